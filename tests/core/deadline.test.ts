// The time limit on outside calls: a TimeoutError once the time is up, and nothing at all once disposed.
import { equal, ok } from "node:assert/strict";
import { deadline } from "@/lib/core/deadline.ts";
import { manualTimers } from "@/tests/_timers.ts";

Deno.test("a deadline aborts with a TimeoutError when its time is up, not before", () => {
  const timers = manualTimers();
  using limit = deadline(10, timers);
  timers.advance(9);
  equal(limit.signal.aborted, false, "aborted before its time");
  timers.advance(1);
  ok(limit.signal.aborted);
  const reason = limit.signal.reason;
  ok(reason instanceof DOMException);
  equal(reason.name, "TimeoutError");
});

Deno.test("a deadline disposed in time never aborts, and leaves no timer", () => {
  const timers = manualTimers();
  let signal: AbortSignal;
  {
    using limit = deadline(10, timers);
    signal = limit.signal;
  }
  equal(timers.pending(), 0, "a timer left behind");
  timers.advance(1_000);
  equal(signal.aborted, false);
});
