// A time limit on an outside call (a provider's API, an SMS gateway) that ends with the call.
// AbortSignal.timeout's timer can't be cleared: it fires when its time is up whatever became of the
// call, and building its TimeoutError and dispatching the abort took about 0.1 ms of the main thread a
// call, in the middle of whatever request was being served 5 s later (every QQ login makes three calls).
import { REAL_TIMERS, type Timers } from "./timers.ts";

export interface Deadline extends Disposable {
  /** Aborts with a `TimeoutError` DOMException, as AbortSignal.timeout's does, once `ms` have passed. */
  signal: AbortSignal;
}

/** A signal that aborts after `ms` unless disposed first (`using limit = deadline(ms)`). */
export function deadline(ms: number, timers: Timers = REAL_TIMERS): Deadline {
  const controller = new AbortController();
  const cancel = timers.after(
    ms,
    () =>
      controller.abort(
        new DOMException("Signal timed out.", "TimeoutError"),
      ),
  );
  return { signal: controller.signal, [Symbol.dispose]: cancel };
}
