// The time limit on outside calls: a TimeoutError once the time is up, and nothing at all once disposed.
import { equal, ok } from "node:assert/strict";
import { deadline } from "@/lib/core/deadline.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a deadline aborts with a TimeoutError when its time is up", async () => {
  using limit = deadline(10);
  await pause(40);
  ok(limit.signal.aborted);
  const reason = limit.signal.reason;
  ok(reason instanceof DOMException);
  equal(reason.name, "TimeoutError");
});

Deno.test("a deadline disposed in time never aborts, and leaves no timer", async () => {
  let signal: AbortSignal;
  {
    using limit = deadline(10);
    signal = limit.signal;
  }
  await pause(40);
  equal(signal.aborted, false);
});
