// CAPTCHA_PROVIDER=tencent or aliyun: where an image code is asked, the server checks the service's ticket
// instead, signed as the service checks it (the stubs recompute each signature), through the app's one
// outbound client. The same stories for both services.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";
import { capturingLogs } from "@/tests/sms/_logs.ts";
import { messages } from "@/lib/messages.ts";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import {
  ALIYUN,
  type CaptchaStub,
  startAliyunCaptchaStub,
  startTencentCaptchaStub,
  TENCENT,
} from "./_captcha_stubs.ts";

/** A browser on `app`, whose outbound calls go out to the network (the stub) rather than to itself. */
async function reachingTheStub(app: TestApp) {
  const browser = await testBrowser(app);
  app.fetch = fetch;
  return browser;
}

interface Service {
  name: string;
  env(endpoint: string): Record<string, string>;
  start(app: () => TestApp): CaptchaStub;
  /** The fields the page's widget posts for a ticket the service passed (registered with the stub). */
  solved(stub: CaptchaStub, n: number): Record<string, string>;
}

const SERVICES: Service[] = [
  {
    name: "腾讯云 验证码",
    env: (endpoint) => ({
      CAPTCHA_PROVIDER: "tencent",
      TENCENT_CAPTCHA_SECRET_ID: TENCENT.secretId,
      TENCENT_CAPTCHA_SECRET_KEY: TENCENT.secretKey,
      TENCENT_CAPTCHA_APP_ID: TENCENT.appId,
      TENCENT_CAPTCHA_APP_SECRET_KEY: TENCENT.appSecretKey,
      TENCENT_CAPTCHA_ENDPOINT: endpoint,
    }),
    start: (app) => startTencentCaptchaStub(() => app().now()),
    solved(stub, n) {
      const fields = { ticket: `tr03ticket${n}*`, randstr: `@r${n}` };
      stub.passed.add(`${fields.ticket}|${fields.randstr}`);
      return fields;
    },
  },
  {
    name: "阿里云 验证码2.0",
    env: (endpoint) => ({
      CAPTCHA_PROVIDER: "aliyun",
      ALIYUN_CAPTCHA_ACCESS_KEY_ID: ALIYUN.accessKeyId,
      ALIYUN_CAPTCHA_ACCESS_KEY_SECRET: ALIYUN.accessKeySecret,
      ALIYUN_CAPTCHA_SCENE_ID: ALIYUN.sceneId,
      ALIYUN_CAPTCHA_PREFIX: ALIYUN.prefix,
      ALIYUN_CAPTCHA_ENDPOINT: endpoint,
    }),
    start: () => startAliyunCaptchaStub(),
    solved(stub, n) {
      const param = JSON.stringify({
        sceneId: ALIYUN.sceneId,
        certifyId: `cert-${n}`,
        deviceToken: "dev",
        data: `answer ${n}`,
      });
      stub.passed.add(param);
      return { captcha_verify_param: param };
    },
  },
];

for (const service of SERVICES) {
  Deno.test(`${service.name}: before an SMS, the server checks the widget's ticket with the service`, async (t) => {
    const ref: { app?: TestApp } = {};
    const stub = service.start(() => ref.app!);
    const app = ref.app = await testApp({
      ...service.env(stub.url),
      SMS_CAPTCHA: "always",
    });
    const browser = await reachingTheStub(app);
    const send = (fields: Record<string, string>) =>
      browser.post("/sms_codes/13800138000", fields);
    try {
      await t.step(
        "no ticket: 400, and the page shows the widget",
        async () => {
          const response = await send({});
          equal(response.status, 400);
          deepEqual(await response.json(), {
            ok: false,
            error: messages.captchaMissing,
            captcha: true,
          });
          equal(stub.requests.length, 0, "nothing to ask the service");
        },
      );

      const solved = service.solved(stub, 1);
      await t.step(
        "a ticket the service passed: the code is sent",
        async () => {
          const logs = await capturingLogs(async () => {
            const response = await send(solved);
            equal(response.status, 200, await response.clone().text());
            await response.body?.cancel();
          });
          equal(app.outbox.size, 1);
          const line = logs.find((l) => l.includes('"captcha_verify"'));
          ok(line, "the check left a log line");
          for (const value of Object.values(solved)) {
            ok(!line.includes(value), "the log holds no ticket");
          }
        },
      );

      await t.step("the same ticket again: expired", async () => {
        app.clock.now += 61_000;
        const response = await send(solved);
        equal(response.status, 400);
        equal((await response.json()).error, messages.captchaExpired);
      });

      await t.step("a forged ticket: wrong", async () => {
        app.clock.now += 61_000;
        const forged = service.solved(stub, 2);
        stub.passed.clear();
        const response = await send(forged);
        equal(response.status, 400);
        equal((await response.json()).error, messages.captchaWrong);
      });

      await t.step(
        "the service failing or answering garbage: a clear message, never a pass",
        async () => {
          for (const behaviour of ["service_error", "garbage"] as const) {
            stub.behaviour = behaviour;
            const response = await send(service.solved(stub, 3));
            equal(response.status, 400, behaviour);
            equal((await response.json()).error, messages.captchaUnavailable);
          }
          stub.behaviour = "by_ticket";
        },
      );

      await t.step("an image code is not what this app asks for", async () => {
        const response = await send({
          uuid: crypto.randomUUID(),
          image_code: "ABCD",
        });
        equal((await response.json()).error, messages.captchaMissing);
      });
    } finally {
      app.close();
      await stub.close();
    }
  });

  Deno.test(`${service.name}: past the login limit, a passed ticket lets the owner in`, async () => {
    const ref: { app?: TestApp } = {};
    const stub = service.start(() => ref.app!);
    const app = ref.app = await testApp(service.env(stub.url));
    try {
      const hash = await app.passwords.hash("secret123");
      await createUserIn(
        app.kv.atomic(),
        newUser("13800138000", hash, app.now()),
      ).commit();
      const browser = await reachingTheStub(app);
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        const wrong = await browser.post("/login", {
          username: "13800138000",
          password: `guess${i}`,
        });
        await wrong.body?.cancel();
      }
      const asked = await browser.post("/login", {
        username: "13800138000",
        password: "secret123",
      });
      equal(asked.status, 400);
      const page = await asked.text();
      match(page, new RegExp(messages.tooManyAttempts));
      match(page, /data-captcha-provider=/, "the page shows the widget");
      ok(!page.includes("/image_codes/"), "and no image code");
      const response = await browser.post("/login", {
        username: "13800138000",
        password: "secret123",
        ...service.solved(stub, 9),
      });
      equal(response.status, 303);
      ok(browser.cookies.has("session"));
      ok(stub.asked.length === 1);
    } finally {
      app.close();
      await stub.close();
    }
  });
}

Deno.test("Tencent is told the user's address, the app's id and key, and CaptchaType 9", async () => {
  const ref: { app?: TestApp } = {};
  const stub = startTencentCaptchaStub(() => ref.app!.now());
  const app = ref.app = await testApp({
    ...SERVICES[0].env(stub.url),
    SMS_CAPTCHA: "always",
    TRUST_PROXY: "true",
  });
  try {
    const browser = await reachingTheStub(app);
    const response = await browser.post(
      "/sms_codes/13800138000",
      SERVICES[0].solved(stub, 1),
      { "x-forwarded-for": "203.0.113.50" },
    );
    equal(response.status, 200);
    deepEqual(stub.asked[0], {
      CaptchaType: 9,
      Ticket: "tr03ticket1*",
      UserIp: "203.0.113.50",
      Randstr: "@r1",
      CaptchaAppId: 190000001,
      AppSecretKey: TENCENT.appSecretKey,
    });
  } finally {
    app.close();
    await stub.close();
  }
});

Deno.test("the widget's script is loaded, and the page's policy widened for its hosts, only when a service is set", async (t) => {
  const pageOf = async (env: Record<string, string>) => {
    const app = await testApp(env);
    try {
      const response = await (await testBrowser(app)).get("/login");
      return {
        csp: response.headers.get("content-security-policy") ?? "",
        html: await response.text(),
      };
    } finally {
      app.close();
    }
  };
  await t.step("the image code: nothing of any service", async () => {
    const { csp, html } = await pageOf({});
    ok(!/qcloud|gtimg|alicdn|aliyuncs/.test(csp), csp);
    ok(!html.includes("captcha_widget"), "no widget script");
  });
  await t.step("Tencent: its script and its hosts", async () => {
    const { csp, html } = await pageOf(SERVICES[0].env("https://x.example"));
    match(csp, /script-src 'self' https:\/\/turing\.captcha\.qcloud\.com/);
    match(csp, /frame-src 'self' https:\/\/turing\.captcha\.qcloud\.com/);
    ok(!/alicdn|aliyuncs/.test(csp), "no other service's hosts");
    match(
      html,
      /<script src="https:\/\/turing\.captcha\.qcloud\.com\/TCaptcha\.js"/,
    );
    match(html, /data-captcha-app-id="190000001"/);
  });
  await t.step("Aliyun: its script and its hosts", async () => {
    const { csp, html } = await pageOf(SERVICES[1].env("https://x.example"));
    match(csp, /script-src 'self' https:\/\/o\.alicdn\.com/);
    match(csp, /connect-src 'self' https:\/\/\*\.captcha-open\.aliyuncs\.com/);
    ok(!/qcloud/.test(csp), "no other service's hosts");
    match(html, /AliyunCaptcha\.js/);
    match(html, /data-captcha-prefix="fsgtmi"/);
  });
});
