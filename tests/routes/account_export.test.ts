// 导出我的数据: the password, then everything the shop keeps about the account as a JSON download, and
// nothing that would let anyone else in.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import type { AccountExport } from "@/lib/accounts/export.ts";
import { legalVersions } from "@/lib/legal/texts.ts";
import { messages } from "@/lib/messages.ts";
import { listKv, START, type TestApp, testApp } from "@/tests/_app.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const PASSWORD = "secret123";
const MOBILE = "13800138000";
const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

/** 小明 binds his QQ to a new account from a phone (a session there), then logs in on a computer. */
async function xiaoming(): Promise<{ app: TestApp; browser: TestBrowser }> {
  const app = await testApp();
  const phone = await testBrowser(app);
  const access_token = bindTokenIn(await (await phone.qqLogin()).text());
  const sms_code = await phone.smsCode(app, MOBILE);
  const bound = await phone.request("/oauth_callback", {
    method: "POST",
    body: new URLSearchParams({
      mobile: MOBILE,
      password: PASSWORD,
      sms_code,
      allow: "on",
      access_token,
    }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": PHONE_UA,
    },
  });
  equal(bound.status, 303);
  app.clock.now += 3600_000;
  const browser = await anotherBrowser();
  const login = await browser.post("/login", {
    username: MOBILE,
    password: PASSWORD,
  });
  equal(login.status, 303);
  return { app, browser };
}

/** The messages a re-rendered form shows, by field. */
async function shown(response: Response): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of (await response.text()).matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

Deno.test("the export asks for the password on a page of its own, linked from the account page", async () => {
  const { app, browser } = await xiaoming();
  match(
    await (await browser.get("/account")).text(),
    /<a href="\/account\/export">导出我的数据<\/a>/,
  );
  const page = await browser.get("/account/export");
  equal(page.status, 200);
  equal(page.headers.get("cache-control"), "no-store");
  const html = await page.text();
  match(html, /<form method="post" action="\/account\/export"/);
  match(
    html,
    /name="password" type="password" autocomplete="current-password"/,
  );
  const loggedOut = await (await anotherBrowser()).get("/account/export");
  equal(loggedOut.status, 303);
  equal(loggedOut.headers.get("location"), "/login?next=/account/export");
  app.close();
});

Deno.test("the right password downloads the account's data as JSON", async (t) => {
  const { app, browser } = await xiaoming();
  app.clock.now += 60_000;
  const response = await browser.post("/account/export", {
    password: PASSWORD,
  });
  const text = await response.text();

  await t.step(
    "200, a JSON attachment named after the username, never stored",
    () => {
      equal(response.status, 200);
      equal(response.headers.get("content-type"), "application/json");
      equal(
        response.headers.get("content-disposition"),
        `attachment; filename="meiduo-account-${MOBILE}.json"`,
      );
      equal(response.headers.get("cache-control"), "no-store");
    },
  );

  const data: AccountExport = JSON.parse(text);
  await t.step(
    "the account: username, the mobile in full, when and how it was made",
    () => {
      deepEqual(data.account, {
        username: MOBILE,
        mobile: MOBILE,
        createdAt: new Date(START).toISOString(),
        createdVia: "bind",
      });
    },
  );

  await t.step("its bindings, sessions and consents", () => {
    deepEqual(data.bindings, [{
      provider: "qq",
      nickname: XIAOMING.nickname,
      boundAt: new Date(START).toISOString(),
    }]);
    deepEqual(
      data.sessions.map(({ device, address, current }) => ({
        device,
        address,
        current,
      })).sort((a, b) => a.device.localeCompare(b.device)),
      [
        { device: "Safari · iPhone", address: "127.0.0.*", current: false },
        { device: "未知设备", address: "127.0.0.*", current: true },
      ].sort((a, b) => a.device.localeCompare(b.device)),
    );
    for (const session of data.sessions) {
      ok(Date.parse(session.startedAt) && Date.parse(session.lastUsedAt));
    }
    deepEqual(data.consents, [{
      versions: legalVersions(app.legal),
      agreedAt: new Date(START).toISOString(),
      form: "bind",
    }]);
  });

  await t.step(
    "its audit events, newest first, the mobile masked as the audit keeps it",
    () => {
      const actions = data.auditEvents.map((event) => event.action);
      deepEqual(actions.slice(0, 3), ["export", "login", "bind"]);
      ok(data.auditEvents.every((event) => !("userId" in event)));
      equal(
        data.auditEvents.find((event) => event.action === "bind")?.mobile,
        "138****8000",
      );
    },
  );

  await t.step(
    "no password hash, session or bind secret, provider token",
    async () => {
      const user = (await listKv(app.kv, ["users"]))[0][1] as {
        passwordHash: string;
      };
      ok(!text.includes(user.passwordHash));
      ok(!/\$2[aby]\$/.test(text), "no bcrypt hash");
      ok(!/passwordHash|access_?token|secret/i.test(text));
      for (const [, value] of browser.cookies) {
        ok(
          !text.includes(value.split(";")[0]) || value === MOBILE,
          "a cookie's value",
        );
      }
      for (const [key] of await listKv(app.kv, ["sessions"])) {
        ok(!text.includes(String(key[1])), "a session's stored hash");
      }
      for (const [key] of await listKv(app.kv, ["bind_tokens"])) {
        ok(!text.includes(String(key[1])), "a bind token's hash");
      }
    },
  );
  app.close();
});

Deno.test("a wrong password: 400 密码错误, throttled like every other password check", async (t) => {
  const { app, browser } = await xiaoming();
  await t.step("missing, then wrong", async () => {
    const missing = await browser.post("/account/export", {});
    equal(missing.status, 400);
    deepEqual(await shown(missing), { form: messages.missingFields });
    const wrong = await browser.post("/account/export", {
      password: "wrongpass1",
    });
    equal(wrong.status, 400);
    equal(wrong.headers.get("content-disposition"), null);
    deepEqual(await shown(wrong), { password: messages.passwordWrong });
  });

  await t.step(
    "past the account's limit even the right one needs the image code",
    async () => {
      for (let i = 1; i < FAILURES_PER_ACCOUNT; i++) {
        const wrong = await browser.post("/account/export", {
          password: `guess${i}pass`,
        });
        await wrong.body?.cancel();
      }
      const right = await browser.post("/account/export", {
        password: PASSWORD,
      });
      equal(right.status, 400);
      const html = await right.text();
      match(html, new RegExp(messages.tooManyAttempts));
      match(html, /<img src="\/image_codes\/[0-9a-f-]{36}"/);
    },
  );
  app.close();
});
