import { deepEqual, equal, ok } from "node:assert/strict";
import { createApp } from "@/lib/app/app.ts";
import { readConfig } from "@/lib/app/app.ts";
import { messages } from "@/lib/messages.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { checkSmsCode } from "@/lib/sms/codes.ts";
import {
  createSmsSender,
  deliverSmsCode,
  type SmsSender,
} from "@/lib/sms/delivery.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import { START } from "@/tests/_app.ts";
import { capturingLogs } from "./_logs.ts";

const WEBHOOK = "http://127.0.0.1:9/sms";

Deno.test("the webhook provider POSTs the code and its purpose as JSON", async () => {
  const received: {
    url: string;
    method: string;
    type: string | null;
    body: unknown;
  }[] = [];
  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    received.push({
      url: request.url,
      method: request.method,
      type: request.headers.get("content-type"),
      body: await request.json(),
    });
    return new Response("ok");
  };
  await createSmsSender({ provider: "webhook", webhookUrl: WEBHOOK }, {
    fetch: fakeFetch,
    now: () => START,
  }).send("13800138000", "123456", 300, "reset_password");
  deepEqual(received, [{
    url: WEBHOOK,
    method: "POST",
    type: "application/json",
    body: {
      mobile: "13800138000",
      code: "123456",
      ttl: 300,
      purpose: "reset_password",
    },
  }]);
});

Deno.test("a code the provider could not deliver is withdrawn and the sender told", async () => {
  const config = readConfig({
    SMS_PROVIDER: "webhook",
    SMS_WEBHOOK_URL: WEBHOOK,
    BCRYPT_COST: "4",
  });
  const kv = await Deno.openKv(":memory:");
  const passwords = createPasswordHasher(4, 0);
  let sentCode = "";
  const failingGateway = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ) => {
    sentCode = (await new Request(input, init).json()).code;
    return new Response("gateway down", { status: 503 });
  };
  const app = await createApp(config, {
    kv,
    now: () => START,
    fetch: failingGateway,
    passwords,
  });
  deepEqual(await sendSmsCode(app, { mobile: "13800138000" }, "127.0.0.1"), {
    ok: false,
    status: 502,
    error: messages.smsSendFailed,
  });
  equal(
    (await checkSmsCode(kv, "13800138000", "signup", sentCode, START)).ok,
    false,
    "the undelivered code is not live",
  );
  kv.close();
});

Deno.test("a webhook that redirects is a failure, and the code goes nowhere else", async () => {
  const asked: string[] = [];
  const redirecting = (input: RequestInfo | URL, init?: RequestInit) => {
    asked.push(`${new Request(input, init).url} ${init?.redirect}`);
    return Promise.resolve(
      new Response(null, {
        status: 302,
        headers: { location: "https://elsewhere.example/" },
      }),
    );
  };
  deepEqual(
    await createSmsSender({ provider: "webhook", webhookUrl: WEBHOOK }, {
      fetch: redirecting,
      now: () => START,
    }).send("13800138000", "123456", 300, "signup"),
    { ok: false, reason: "failed", error: "HTTP 302" },
  );
  deepEqual(asked, [`${WEBHOOK} manual`]);
});

Deno.test("a gateway that can't be reached is a failure logged by its kind, without the error's text", async () => {
  const url = "https://hooks.example/sms?token=webhook-secret";
  for (
    const [thrown, kind] of [
      [new TypeError(`error sending request for url (${url})`), "network"],
      [new DOMException(`timed out: ${url}`, "TimeoutError"), "timeout"],
    ] as const
  ) {
    const failing: SmsSender = { send: () => Promise.reject(thrown) };
    const lines = await capturingLogs(async () => {
      deepEqual(
        await deliverSmsCode(failing, "webhook", {
          mobile: "13800138000",
          code: "123456",
          ttlSeconds: 300,
          purpose: "signup",
        }),
        { ok: false, reason: "failed", error: kind },
      );
    });
    deepEqual(lines.map((line) => JSON.parse(line)), [{
      event: "sms_send",
      gateway: "webhook",
      mobile: "138****8000",
      purpose: "signup",
      requestId: null,
      outcome: "failed",
      error: kind,
    }]);
    ok(!lines[0].includes("webhook-secret"));
  }
});
