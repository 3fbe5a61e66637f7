// The time limit on outside calls: a TimeoutError once the time is up, and nothing at all once disposed.
import { equal, ok } from "node:assert/strict";
import { deadline } from "@/lib/core/deadline.ts";
import { exchange } from "@/lib/sms/gateways/_http.ts";

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

Deno.test("an SMS gateway's answered exchange aborts nothing later", async () => {
  let signalled: AbortSignal | undefined;
  const answered = await exchange(
    {
      fetch: (_input, init) => {
        signalled = init?.signal ?? undefined;
        return Promise.resolve(Response.json({ Code: "OK" }));
      },
      now: () => 0,
      timeoutMs: 20,
    },
    new URL("https://sms.gateway.test/"),
    { headers: {} },
  );
  equal(answered.ok, true);
  await pause(60);
  equal(signalled?.aborted, false);
});
