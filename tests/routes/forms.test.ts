// The forms' answers through the handler, on the test clock: what a failed form keeps, how long the SMS
// gap has left, the help beside the contract's messages, and the pages around logging in and out.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { bindTokenIn, testBrowser, XIAOMING } from "./_browser.ts";

const MOBILE = "13800138000";

/** A test app for one story, closed after it however it ends. */
async function withApp(story: (app: TestApp) => Promise<void>) {
  const app = await testApp();
  try {
    await story(app);
  } finally {
    app.close();
  }
}
const PASSWORD = "secret123";

/** The value the page's input `name` comes back with ("" when none). */
function valueOf(html: string, name: string): string {
  const input = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  if (!input) throw new Error(`no ${name} field on the page`);
  return input.match(/value="([^"]*)"/)?.[1] ?? "";
}

Deno.test("a failed bind keeps the mobile, a live code and the rest of the 60 s", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
    const code = await browser.smsCode(app, MOBILE);

    await t.step(
      "refused for its password 15 s after the code was sent, the form keeps the code and counts 45 s",
      async () => {
        app.clock.now += 15_000;
        const response = await browser.post("/oauth_callback", {
          mobile: MOBILE,
          // A space: the rule takes symbols but no space (nor a Chinese character).
          password: "Passw0rd !",
          sms_code: code,
          allow: "on",
          access_token: token,
        });
        equal(response.status, 400);
        const html = await response.text();
        match(
          html,
          /<p class="error" data-field="password" role="alert">请输入8-20位的密码<\/p>/,
        );
        match(html, /只能用字母、数字或英文符号，不能有空格或汉字/);
        equal(valueOf(html, "mobile"), MOBILE);
        equal(valueOf(html, "sms_code"), code);
        equal(valueOf(html, "password"), "", "a password is never sent back");
        match(html, />45秒后可重新获取</);
        match(html, /小明，您已通过QQ登录。/);
      },
    );

    await t.step(
      "refused for its code, the form drops the code but keeps the countdown",
      async () => {
        app.clock.now += 5_000;
        const wrong = code === "000000" ? "111111" : "000000";
        const html = await (await browser.post("/oauth_callback", {
          mobile: MOBILE,
          password: PASSWORD,
          sms_code: wrong,
          allow: "on",
          access_token: token,
        })).text();
        match(
          html,
          new RegExp(`data-field="sms_code"[^>]*>${messages.smsCodeWrong}<`),
        );
        equal(valueOf(html, "sms_code"), "");
        match(html, />40秒后可重新获取</);
      },
    );

    await t.step(
      "after the 60 s the button offers a new code again",
      async () => {
        app.clock.now += 41_000;
        const html = await (await browser.post("/oauth_callback", {
          mobile: MOBILE,
          password: "short",
          sms_code: code,
          allow: "on",
          access_token: token,
        })).text();
        match(html, />获取短信验证码</);
      },
    );
  }));

Deno.test("the SMS gap says how long is left", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);

    await t.step(
      "POST /sms_codes within the gap: the contract's 429 body, the wait in Retry-After",
      async () => {
        equal((await browser.post(`/sms_codes/${MOBILE}`)).status, 200);
        app.clock.now += 18_500;
        const response = await browser.post(`/sms_codes/${MOBILE}`);
        equal(response.status, 429);
        equal(response.headers.get("retry-after"), "42");
        deepEqual(await response.json(), {
          ok: false,
          error: messages.smsTooFrequent,
        });
      },
    );

    await t.step(
      "the form without JavaScript asked again: 发送短信过于频繁, how long to wait, the mobile kept",
      async () => {
        const response = await browser.post("/register", {
          action: "send_sms",
          mobile: MOBILE,
        });
        equal(response.status, 429);
        const html = await response.text();
        match(html, /data-field="sms_code" role="alert">发送短信过于频繁</);
        match(html, /请42秒后再获取/);
        match(html, />42秒后可重新获取</);
        equal(valueOf(html, "mobile"), MOBILE);
      },
    );
  }));

Deno.test("an expired bind says 无效的openid and offers 重新QQ登录", () =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
    // A code sent late, so it is still live when the 600 s of the bind have passed.
    app.clock.now += 590_000;
    const code = await browser.smsCode(app, MOBILE);
    app.clock.now += 11_000;
    const response = await browser.post("/oauth_callback", {
      mobile: MOBILE,
      password: PASSWORD,
      sms_code: code,
      allow: "on",
      access_token: token,
    });
    equal(response.status, 400);
    const html = await response.text();
    match(
      html,
      /<p class="error" data-field="access_token" role="alert">无效的openid<\/p>/,
    );
    match(html, /<a href="\/oauth\/qq\/login\?next=%2F">重新QQ登录<\/a>/);
    equal(valueOf(html, "sms_code"), code);
  }));

Deno.test("pages around logging in and out", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);

    await t.step(
      "GET /logout logged out: a page with the logout button, never 405",
      async () => {
        const response = await browser.get("/logout");
        equal(response.status, 200);
        const html = await response.text();
        match(html, /<form\s+method="post" action="\/logout"/);
        match(html, />退出登录<\/button>/);
        match(html, /您尚未登录。/);
      },
    );

    await t.step("registering logs in", async () => {
      const code = await browser.smsCode(app, MOBILE);
      const response = await browser.post("/register", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: code,
        allow: "on",
      });
      equal(response.status, 303);
    });

    for (const path of ["/", "/logout", "/login", "/register"]) {
      await t.step(
        `${path} names who is logged in and is never stored`,
        async () => {
          const response = await browser.get(path);
          equal(response.status, 200);
          equal(response.headers.get("cache-control"), "no-store");
          const html = await response.text();
          // Masked: only its owner typed the number in full.
          match(
            html,
            new RegExp(
              `当前登录：${MOBILE.slice(0, 3)}\\*{4}${MOBILE.slice(7)}`,
            ),
          );
          ok(!html.includes(MOBILE));
        },
      );
    }

    for (const path of ["/login", "/register"]) {
      await t.step(
        `${path} while logged in says so and offers 我的账户 and 退出登录`,
        async () => {
          const html = await (await browser.get(path)).text();
          match(html, /<h1>您已登录<\/h1>/);
          match(
            html,
            /<a class="button primary" href="\/account">我的账户<\/a>/,
          );
          match(html, />退出登录<\/button>/);
          ok(!html.includes('name="password"'), "no form to fill in");
        },
      );
    }

    await t.step("the logout page's button logs out", async () => {
      const response = await browser.post("/logout");
      equal(response.status, 303);
      const html = await (await browser.get("/login")).text();
      match(html, /name="password"/);
    });
  }));

Deno.test("POST /sms_codes with the mobile in the body answers as POST /sms_codes/<mobile>", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    await t.step(
      "a code is sent, and the gap counts for both ways of asking",
      async () => {
        const sent = await browser.post("/sms_codes", { mobile: MOBILE });
        equal(sent.status, 200);
        deepEqual(await sent.json(), { ok: true });
        equal(app.outbox.has(MOBILE), true);
        app.clock.now += 18_500;
        const again = await browser.post(`/sms_codes/${MOBILE}`);
        equal(again.status, 429);
        await again.body?.cancel();
        const inBody = await browser.post("/sms_codes", { mobile: MOBILE });
        equal(inBody.status, 429);
        equal(inBody.headers.get("retry-after"), "42");
        deepEqual(await inBody.json(), {
          ok: false,
          error: messages.smsTooFrequent,
        });
      },
    );
    await t.step("a missing or bad mobile: the contract's 400", async () => {
      const forms: Record<string, string>[] = [{}, { mobile: "12345" }];
      for (const form of forms) {
        const response = await browser.post("/sms_codes", form);
        equal(response.status, 400);
        deepEqual(await response.json(), {
          ok: false,
          error: messages.invalidMobile,
        });
      }
    });
  }));

/** The messages a page shows, by the field they stand under. */
async function shownOn(response: Response): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of (await response.text()).matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

Deno.test("a form posted with its fields empty says under each what it lacks", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
    const everyField = {
      mobile: messages.mobileMissing,
      password: messages.passwordMissing,
      sms_code: messages.smsCodeMissing,
      form: messages.missingFields,
    };
    for (
      const [path, fields] of [
        ["/register", {}],
        ["/password/reset", {}],
        ["/oauth_callback", { access_token: token }],
      ] as const
    ) {
      await t.step(path, async () => {
        const response = await browser.post(path, fields);
        equal(response.status, 400);
        deepEqual(await shownOn(response), everyField);
      });
    }
    await t.step(
      "/login: each empty field, and the contract's 用户名或密码错误",
      async () => {
        const response = await browser.post("/login", {
          username: "",
          password: "",
        });
        equal(response.status, 400);
        deepEqual(await shownOn(response), {
          username: messages.usernameMissing,
          password: messages.passwordMissing,
          account: messages.wrongCredentials,
        });
      },
    );
  }));

Deno.test("a password with symbols registers, logs in and binds", (t) =>
  withApp(async (app) => {
    const symbols = "P@ss-w0rd!#";
    const browser = await testBrowser(app);
    await t.step("registers and logs in", async () => {
      const sms_code = await browser.smsCode(app, MOBILE);
      const registered = await browser.post("/register", {
        mobile: MOBILE,
        password: symbols,
        sms_code,
        allow: "on",
      });
      equal(registered.status, 303);
      await browser.post("/logout");
      const login = await browser.post("/login", {
        username: MOBILE,
        password: symbols,
      });
      equal(login.status, 303);
      await browser.post("/logout");
    });
    await t.step("binds a new mobile with one", async () => {
      const token = bindTokenIn(
        await (await browser.qqLogin(XIAOMING)).text(),
      );
      const sms_code = await browser.smsCode(app, "13900139000");
      const bound = await browser.post("/oauth_callback", {
        mobile: "13900139000",
        password: "~Hello.World~",
        sms_code,
        allow: "on",
        access_token: token,
      });
      equal(bound.status, 303);
    });
  }));
