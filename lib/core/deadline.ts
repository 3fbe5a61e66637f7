// A time limit on an outside call (a provider's API, an SMS gateway) that ends with the call.
// AbortSignal.timeout's timer can't be cleared: it fires when its time is up whatever became of the
// call, and building its TimeoutError and dispatching the abort took about 0.1 ms of the main thread a
// call, in the middle of whatever request was being served 5 s later (every QQ login makes three calls).

export interface Deadline extends Disposable {
  /** Aborts with a `TimeoutError` DOMException, as AbortSignal.timeout's does, once `ms` have passed. */
  signal: AbortSignal;
}

/** A signal that aborts after `ms` unless disposed first (`using limit = deadline(ms)`). */
export function deadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException("Signal timed out.", "TimeoutError"),
      ),
    ms,
  );
  return {
    signal: controller.signal,
    [Symbol.dispose]: () => clearTimeout(timer),
  };
}
