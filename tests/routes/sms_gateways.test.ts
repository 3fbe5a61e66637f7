import { deepEqual, equal } from "node:assert/strict";
import { checkSmsCode } from "@/lib/sms/codes.ts";
import { createSmsSender } from "@/lib/sms/delivery.ts";
import { testApp } from "@/tests/_app.ts";
import { startAliyunStub } from "@/tests/sms/_aliyun_stub.ts";
import { startTencentStub } from "@/tests/sms/_tencent_stub.ts";
import { testBrowser } from "./_browser.ts";

const MOBILE = "13800138000";

type Behaviour = "sent" | "rate_limited" | "bad_number";

// Each gateway's stub, the environment that points the app at it, and the code it was last given.
const gateways = {
  aliyun(_now: () => number) {
    const stub = startAliyunStub("LTAI5tRouteTest", "route-test-secret");
    return {
      stub,
      env: {
        SMS_PROVIDER: "aliyun",
        ALIYUN_ACCESS_KEY_ID: "LTAI5tRouteTest",
        ALIYUN_ACCESS_KEY_SECRET: "route-test-secret",
        ALIYUN_SMS_SIGN_NAME: "测试商城",
        ALIYUN_SMS_TEMPLATE_CODE: "SMS_1",
        ALIYUN_SMS_ENDPOINT: stub.url,
      },
      lastCode: (): string => JSON.parse(stub.sends.at(-1)!.TemplateParam).code,
    };
  },
  tencent(now: () => number) {
    const stub = startTencentStub("AKIDRouteTest", "route-test-key", now);
    return {
      stub,
      env: {
        SMS_PROVIDER: "tencent",
        TENCENT_SECRET_ID: "AKIDRouteTest",
        TENCENT_SECRET_KEY: "route-test-key",
        TENCENT_SMS_SDK_APP_ID: "1400006666",
        TENCENT_SMS_SIGN_NAME: "测试商城",
        TENCENT_SMS_TEMPLATE_ID: "1110",
        TENCENT_SMS_ENDPOINT: stub.url,
      },
      lastCode: (): string =>
        (stub.sends.at(-1)!.TemplateParamSet as string[])[0],
    };
  },
};

for (const [name, gatewayFor] of Object.entries(gateways)) {
  Deno.test(`POST /sms_codes through ${name}: its limit is 429, its failure 502, and neither code is live`, async () => {
    // The stub needs the app's clock, the app needs the stub's URL.
    const clock = { now: () => 0 };
    const gateway = gatewayFor(() => clock.now());
    const app = await testApp(gateway.env);
    clock.now = app.now;
    // The gateway the config names, made as createApp makes it, instead of the test outbox.
    app.sms = createSmsSender(app.config.sms, { fetch, now: app.now });
    const browser = await testBrowser(app);
    const ask = async (behaviour: Behaviour) => {
      gateway.stub.behaviour = behaviour;
      app.clock.now += 61_000;
      // Solving the image code the second ask needs, as the page would.
      const response = await browser.sendSms(app, MOBILE);
      const code = gateway.lastCode();
      return {
        status: response.status,
        body: await response.json(),
        live:
          (await checkSmsCode(app.kv, MOBILE, "signup", code, app.clock.now))
            .ok,
      };
    };
    try {
      deepEqual(await ask("rate_limited"), {
        status: 429,
        body: { ok: false, error: "发送短信过于频繁" },
        live: false,
      });
      deepEqual(await ask("bad_number"), {
        status: 502,
        body: { ok: false, error: "短信发送失败，请稍后再试" },
        live: false,
      });
      const sent = await ask("sent");
      deepEqual(sent, { status: 200, body: { ok: true }, live: true });
      equal(gateway.stub.requests.length, 3);
    } finally {
      app.close();
      await gateway.stub.close();
    }
  });
}
