// The one outbound HTTP client the providers, the SMS gateways and the webhook share.
import { deepEqual, equal, ok } from "node:assert/strict";
import { callOutside, MAX_ANSWER_BYTES } from "@/lib/core/outbound.ts";
import { manualTimers } from "@/tests/_timers.ts";

Deno.test("an answered call aborts nothing later", async () => {
  const timers = manualTimers();
  let signalled: AbortSignal | undefined;
  const answered = await callOutside({
    url: "https://sms.gateway.test/",
    fetch: (_input, init) => {
      signalled = init?.signal ?? undefined;
      return Promise.resolve(Response.json({ Code: "OK" }));
    },
    timeoutMs: 20,
    timers,
  });
  equal(answered.ok, true);
  equal(timers.pending(), 0, "the deadline outlived the call");
  timers.advance(60);
  equal(signalled?.aborted, false);
});

Deno.test("a redirect is an answer, never followed", async () => {
  let redirect: RequestRedirect | undefined;
  const answer = await callOutside({
    url: "https://graph.qq.test/oauth2.0/token",
    fetch: (_input, init) => {
      redirect = init?.redirect;
      return Promise.resolve(
        new Response(null, {
          status: 302,
          headers: { location: "https://elsewhere.test/" },
        }),
      );
    },
  });
  equal(redirect, "manual");
  ok(answer.ok);
  equal(answer.status, 302);
});

Deno.test("an answer past the size cap is a failure, declared or streamed", async () => {
  const big = new Uint8Array(MAX_ANSWER_BYTES + 1);
  const streamed = await callOutside({
    url: "https://api.weibo.test/",
    fetch: () =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(big.subarray(0, MAX_ANSWER_BYTES));
              controller.enqueue(big.subarray(MAX_ANSWER_BYTES));
              controller.close();
            },
          }),
        ),
      ),
  });
  deepEqual(streamed, { ok: false, error: "too_large" });
  const declared = await callOutside({
    url: "https://api.weibo.test/",
    fetch: () =>
      Promise.resolve(
        new Response("x", { headers: { "content-length": String(2 ** 30) } }),
      ),
  });
  deepEqual(declared, { ok: false, error: "too_large" });
});

Deno.test("fetch's own error is named by kind only, without its message", async () => {
  const answer = await callOutside({
    url: "https://dysmsapi.test/?Signature=secret&code=123456",
    fetch: () =>
      Promise.reject(
        new TypeError(
          "error sending request for url (https://dysmsapi.test/?Signature=secret&code=123456)",
        ),
      ),
  });
  deepEqual(answer, { ok: false, error: "network" });
});

Deno.test("a fetch that ignores the signal still times out", async () => {
  const timers = manualTimers();
  const answer = callOutside({
    url: "https://api.weixin.test/",
    fetch: () => {
      // The call is under way: its time runs out.
      queueMicrotask(() => timers.advance(5));
      return new Promise<Response>(() => {});
    },
    timeoutMs: 5,
    timers,
  });
  deepEqual(await answer, { ok: false, error: "timeout" });
});

Deno.test("a fetch that ignores the signal times out on the platform's timers too", async () => {
  const answer = await callOutside({
    url: "https://api.weixin.test/",
    fetch: () => new Promise<Response>(() => {}),
    timeoutMs: 5,
  });
  deepEqual(answer, { ok: false, error: "timeout" });
});
