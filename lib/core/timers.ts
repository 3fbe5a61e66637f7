// The timers the app waits on (an outside call's deadline, an idle hashing thread's end), behind one
// seam: the platform's by default, a test's that it moves by hand, so no test waits on the clock.

export interface Timers {
  /**
   * Calls `fire` once `ms` have passed, unless the returned cancel is called first. An `unref` wait
   * does not keep the process alive.
   */
  after(
    ms: number,
    fire: () => void,
    options?: { unref?: boolean },
  ): () => void;
}

export const REAL_TIMERS: Timers = {
  after(ms, fire, { unref = false } = {}) {
    const timer = setTimeout(fire, ms);
    if (unref) Deno.unrefTimer(timer);
    return () => clearTimeout(timer);
  },
};
