import { deepEqual, equal } from "node:assert/strict";
import { createApp } from "@/lib/app.ts";
import { parseConfig } from "@/lib/config.ts";
import { messages } from "@/lib/messages.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { checkSmsCode } from "@/lib/sms/codes.ts";
import { createSmsSender } from "@/lib/sms/gateway.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import { START } from "@/tests/_app.ts";

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
  await createSmsSender({ provider: "webhook", webhookUrl: WEBHOOK }, fakeFetch)
    .send("13800138000", "123456", 300, "reset_password");
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
  const config = parseConfig({
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
