// 短信验证码登录 through the handler: the tabs, a code for any mobile, the bind's checks, a member logged
// in, and a new mobile's sign-up that asks only for a password and the consent, in this browser only.
import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { findUserByLogin } from "@/lib/accounts/users.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { SIGNUP_PROOF_TTL_S } from "@/lib/accounts/signup_proofs.ts";
import { messages } from "@/lib/messages.ts";
import { consentedIn, listKv, type TestApp, testApp } from "@/tests/_app.ts";
import { anotherBrowser, type TestBrowser, testBrowser } from "./_browser.ts";

const MEMBER = "13800138000";
const STRANGER = "13900139000";
const PASSWORD = "secret123";

/** An app where MEMBER has an account; these stories ask for several codes, so no image code is asked. */
async function shop(): Promise<TestApp & Disposable> {
  const app = await testApp({ SMS_CAPTCHA: "off" });
  const hash = await app.passwords.hash(PASSWORD);
  const member = newUser(MEMBER, hash, app.now());
  equal(
    (await consentedIn(createUserIn(app.kv.atomic(), member), member.id)
      .commit()).ok,
    true,
  );
  return Object.assign(app, { [Symbol.dispose]: () => app.close() });
}

const loginCode = (app: TestApp, browser: TestBrowser, mobile: string) =>
  browser.smsCode(app, mobile, { purpose: "login" });

/** The messages a page shows, by the field they stand under. */
async function shown(response: Response): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of (await response.text()).matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

const wrongCode = (code: string) =>
  String((Number(code) + 1) % 1e6).padStart(6, "0");

Deno.test("/login offers 账号密码登录 and 短信验证码登录 as two links, the current one marked", async () => {
  using app = await shop();
  const browser = await testBrowser(app);
  const byPassword = await (await browser.get("/login?next=/cart")).text();
  match(
    byPassword,
    /<nav class="tabs" aria-label="登录方式"><a href="\/login\?next=%2Fcart" aria-current="page">账号密码登录<\/a><a href="\/login\?by=sms&amp;next=%2Fcart"\s*>短信验证码登录<\/a><\/nav>/,
  );
  match(byPassword, /name="password"/);
  ok(!byPassword.includes('name="sms_code"'));

  const bySms = await (await browser.get("/login?by=sms&next=/cart")).text();
  match(bySms, /aria-current="page">短信验证码登录</);
  match(bySms, /<form[^>]*action="\/login\?by=sms&amp;next=%2Fcart"/);
  for (const name of ["mobile", "sms_code", "remembered"]) {
    match(bySms, new RegExp(`name="${name}"`), name);
  }
  ok(!bySms.includes('name="password"'), "no password on the SMS tab");
  // Without JavaScript the SMS button posts the form, as the register form's does.
  match(bySms, /name="action" value="send_sms"[^>]*>获取短信验证码</);
});

Deno.test("a login code is sent to any valid mobile, with the gap of every code", async (t) => {
  using app = await shop();
  const browser = await testBrowser(app);
  for (const mobile of [MEMBER, STRANGER]) {
    await t.step(
      `to ${mobile === MEMBER ? "a member" : "a stranger"}`,
      async () => {
        const sent = await browser.post("/sms_codes", {
          mobile,
          purpose: "login",
        });
        equal(sent.status, 200);
        deepEqual(await sent.json(), { ok: true });
        const again = await browser.post(`/sms_codes/${mobile}`, {
          purpose: "login",
        });
        equal(again.status, 429);
        deepEqual(await again.json(), {
          ok: false,
          error: messages.smsTooFrequent,
        });
      },
    );
  }
  deepEqual(app.sent.map(({ mobile, purpose }) => [mobile, purpose]), [
    [MEMBER, "login"],
    [STRANGER, "login"],
  ]);
});

Deno.test("the right code logs a member in as a password login does", async (t) => {
  using app = await shop();

  await t.step(
    "with 记住登录: a new session of 14 days, the username cookie, 303 to next",
    async () => {
      const browser = await testBrowser(app);
      browser.cookies.set("session", "an-old-session-id");
      const sms_code = await loginCode(app, browser, MEMBER);
      const response = await browser.post("/login?next=/cart", {
        mobile: MEMBER,
        sms_code,
        remembered: "on",
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/cart");
      const cookies = response.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith("session="))!;
      match(session, /HttpOnly/);
      match(session, /Max-Age=1209600/);
      notEqual(browser.cookies.get("session"), "an-old-session-id");
      ok(cookies.some((c) => c.startsWith(`username=${MEMBER};`)));
      match(
        await (await browser.get("/account")).text(),
        /data-field="username">138\*{4}8000</,
      );
    },
  );

  await t.step(
    "without it: a session cookie that ends with the browser",
    async () => {
      const browser = await anotherBrowser();
      const sms_code = await loginCode(app, browser, MEMBER);
      const response = await browser.post("/login", {
        mobile: MEMBER,
        sms_code,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/");
      const session = response.headers.getSetCookie().find((c) =>
        c.startsWith("session=")
      )!;
      ok(!/Max-Age/.test(session), session);
    },
  );

  await t.step(
    "the texted code is a recent proof: the deletion page opens without /account/confirm",
    async () => {
      const browser = await anotherBrowser();
      const sms_code = await loginCode(app, browser, MEMBER);
      await browser.post("/login", { mobile: MEMBER, sms_code });
      const page = await browser.get("/account/delete");
      equal(page.status, 200);
      await page.body?.cancel();
    },
  );

  await t.step("audited as a login by SMS, the mobile masked", async () => {
    const logins = (await listKv(app.kv, ["audit"])).map(([, value]) =>
      value as Record<string, string>
    ).filter((record) => record.action === "login");
    equal(logins.length, 3);
    for (const record of logins) {
      equal(record.outcome, "logged_in");
      equal(record.way, "sms");
      equal(record.mobile, "138****8000");
    }
  });

  await t.step("the code is used up by the login", async () => {
    const browser = await anotherBrowser();
    const sms_code = await loginCode(app, browser, MEMBER);
    equal(
      (await browser.post("/login", { mobile: MEMBER, sms_code })).status,
      303,
    );
    // Replayed from a browser that is not logged in, as a thief with the code would.
    const thief = await anotherBrowser();
    const again = await thief.post("/login", { mobile: MEMBER, sms_code });
    equal(again.status, 400);
    deepEqual(await shown(again), { sms_code: messages.smsCodeInvalid });
  });
});

Deno.test("an SMS login is checked as the bind is: formats, 无效的短信验证码, 输入短信验证码有误, five tries", async (t) => {
  using app = await shop();
  const browser = await testBrowser(app);

  await t.step(
    "missing fields: 缺少必传参数, and each says so under it",
    async () => {
      const response = await browser.post("/login", { mobile: "" });
      equal(response.status, 400);
      deepEqual(await shown(response), {
        mobile: messages.mobileMissing,
        sms_code: messages.smsCodeMissing,
        form: messages.missingFields,
      });
    },
  );

  await t.step("a bad mobile: 请输入正确的手机号码", async () => {
    const response = await browser.post("/login", {
      mobile: "1380013800",
      sms_code: "123456",
    });
    equal(response.status, 400);
    deepEqual(await shown(response), { mobile: messages.invalidMobile });
  });

  await t.step(
    "no code, or a code for another purpose: 无效的短信验证码",
    async () => {
      const signup = await browser.smsCode(app, MEMBER);
      const response = await browser.post("/login", {
        mobile: MEMBER,
        sms_code: signup,
      });
      equal(response.status, 400);
      deepEqual(await shown(response), { sms_code: messages.smsCodeInvalid });
    },
  );

  await t.step(
    "a wrong code: 输入短信验证码有误, five times; then the code is burned",
    async () => {
      const sms_code = await loginCode(app, browser, MEMBER);
      for (let i = 0; i < 5; i++) {
        const response = await browser.post("/login", {
          mobile: MEMBER,
          sms_code: wrongCode(sms_code),
        });
        equal(response.status, 400);
        deepEqual(await shown(response), { sms_code: messages.smsCodeWrong });
      }
      const right = await browser.post("/login", {
        mobile: MEMBER,
        sms_code,
      });
      equal(right.status, 400);
      deepEqual(await shown(right), { sms_code: messages.smsCodeInvalid });
      equal(browser.cookies.has("session"), false);
    },
  );
});

/** What each step of a guessing session answers, and the KV calls it made, in order. */
async function guessingSession(app: TestApp, mobile: string) {
  const browser = await testBrowser(app);
  const calls: string[] = [];
  const kv = app.kv as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = { get: kv.get, getMany: kv.getMany, atomic: kv.atomic };
  for (const name of ["get", "getMany", "atomic"] as const) {
    kv[name] = (...args: unknown[]) => {
      // The kind of row, never the mobile: the two sessions must touch the same kinds in the same order.
      const key = name === "getMany"
        ? (args[0] as Deno.KvKey[]).map((k) => String(k[0])).join("+")
        : name === "get"
        ? String((args[0] as Deno.KvKey)[0])
        : "";
      calls.push(`${name}(${key})`);
      return original[name].apply(app.kv, args);
    };
  }
  try {
    const answers: string[] = [];
    const post = async (fields: Record<string, string>) => {
      const response = await browser.post("/login", fields);
      answers.push(
        `${response.status} ${JSON.stringify(await shown(response))}`,
      );
    };
    await post({ mobile, sms_code: "" });
    await post({ mobile, sms_code: "123456" }); // no code sent yet
    const sms_code = await loginCode(app, browser, mobile);
    for (let i = 0; i < 6; i++) {
      await post({ mobile, sms_code: wrongCode(sms_code) });
    }
    await post({ mobile, sms_code });
    return { answers, calls };
  } finally {
    Object.assign(kv, original);
  }
}

Deno.test("nothing before the right code tells whether a mobile has an account", async () => {
  // Each session in a shop of its own, so that neither meets the other's traces (the audit's windows).
  using shopOfMember = await shop();
  using shopOfStranger = await shop();
  const member = await guessingSession(shopOfMember, MEMBER);
  const stranger = await guessingSession(shopOfStranger, STRANGER);
  deepEqual(stranger.answers, member.answers);
  deepEqual(stranger.calls, member.calls);
  deepEqual(
    member.answers.at(-1),
    `400 ${JSON.stringify({ sms_code: messages.smsCodeInvalid })}`,
  );
});

Deno.test("a right code for a mobile with no account leads to a sign-up that asks only for a password", async (t) => {
  using app = await shop();
  const browser = await testBrowser(app);
  let sms_code = "";

  await t.step(
    "the code is used up, and the answer is 303 to /register?continue=1 with this browser's proof",
    async () => {
      sms_code = await loginCode(app, browser, STRANGER);
      const response = await browser.post("/login?next=/cart", {
        mobile: STRANGER,
        sms_code,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/register?continue=1");
      const proof = response.headers.getSetCookie().find((c) =>
        c.startsWith("sms_signup=")
      );
      ok(proof, "a proof cookie");
      match(proof, /HttpOnly/);
      match(proof, /Max-Age=600/);
      equal(browser.cookies.has("session"), false, "not logged in yet");
      equal(await findUserByLogin(app.kv, STRANGER), null);
      const again = await (await anotherBrowser()).post("/login", {
        mobile: STRANGER,
        sms_code,
      });
      deepEqual(await shown(again), { sms_code: messages.smsCodeInvalid });
    },
  );

  await t.step(
    "the page shows the mobile masked, not as a field, with a password and an unchecked 同意",
    async () => {
      const response = await browser.get("/register?continue=1");
      equal(response.status, 200);
      equal(response.headers.get("cache-control"), "no-store");
      const html = await response.text();
      match(html, /<span data-field="mobile">139\*\*\*\*9000<\/span>/);
      ok(!html.includes(STRANGER), "the full mobile is nowhere on the page");
      ok(!html.includes('name="mobile"'));
      ok(!html.includes('name="sms_code"'));
      match(html, /name="password"/);
      match(html, /<input type="checkbox" name="allow"/);
      ok(!/name="allow"[^>]*checked/.test(html), "unchecked");
      match(
        html,
        /我已阅读并同意<a href="\/agreement"[^>]*>《用户协议》<\/a>和<a[^>]*href="\/privacy"/,
      );
      match(html, /<form[^>]*action="\/register\?continue=1"/);
    },
  );

  await t.step("another browser has no such page", async () => {
    const response = await (await anotherBrowser()).get("/register?continue=1");
    equal(response.status, 400);
    match(await response.text(), new RegExp(messages.signupProofExpired));
  });

  await t.step(
    "posted without allow: 400 请勾选用户协议, after the password's format; nothing written",
    async () => {
      const badPassword = await browser.post("/register", {
        password: "short",
      });
      equal(badPassword.status, 400);
      deepEqual(await shown(badPassword), {
        password: messages.invalidPassword,
      });
      const noConsent = await browser.post("/register", { password: PASSWORD });
      equal(noConsent.status, 400);
      deepEqual(await shown(noConsent), { allow: messages.allowRequired });
      const empty = await browser.post("/register?continue=1", {});
      deepEqual(await shown(empty), {
        password: messages.passwordMissing,
        form: messages.missingFields,
      });
      equal(await findUserByLogin(app.kv, STRANGER), null);
      equal(browser.cookies.has("session"), false);
    },
  );

  await t.step(
    "with allow=on: the account is made, named by the mobile, logged in, to next",
    async () => {
      const response = await browser.post("/register", {
        password: PASSWORD,
        allow: "on",
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/cart");
      const cookies = response.headers.getSetCookie();
      match(cookies.find((c) => c.startsWith("session="))!, /Max-Age=1209600/);
      ok(cookies.some((c) => c.startsWith(`username=${STRANGER};`)));
      ok(cookies.some((c) => /^sms_signup=;.*Max-Age=0/.test(c)));
      const user = await findUserByLogin(app.kv, STRANGER);
      equal(user?.username, STRANGER);
      equal(user?.mobile, STRANGER);
      ok(await app.passwords.verify(PASSWORD, user!.passwordHash));
    },
  );

  await t.step(
    "the proof was used up: it makes no second account",
    async () => {
      const proofs = await listKv(app.kv, ["signup_proofs"]);
      deepEqual(proofs, []);
    },
  );
});

Deno.test("the sign-up's proof is single use, and lasts 600 s", async (t) => {
  using app = await shop();

  const proven = async () => {
    const browser = await testBrowser(app);
    const sms_code = await loginCode(app, browser, STRANGER);
    equal(
      (await browser.post("/login", { mobile: STRANGER, sms_code })).status,
      303,
    );
    return browser;
  };

  await t.step("after 600 s it is gone", async () => {
    const browser = await proven();
    app.clock.now += SIGNUP_PROOF_TTL_S * 1000;
    equal((await browser.get("/register?continue=1")).status, 400);
    const response = await browser.post("/register", {
      password: PASSWORD,
      allow: "on",
    });
    equal(response.status, 400);
    match(await response.text(), new RegExp(messages.signupProofExpired));
    equal(await findUserByLogin(app.kv, STRANGER), null);
  });

  await t.step(
    "two completions at once: one account, the other refused",
    async () => {
      const browser = await proven();
      const copy = await anotherBrowser();
      for (const [name, value] of browser.cookies) {
        copy.cookies.set(name, value);
      }
      const answers = await Promise.all(
        [browser, copy].map((b) =>
          b.post("/register?continue=1", { password: PASSWORD, allow: "on" })
        ),
      );
      deepEqual(answers.map((a) => a.status).sort(), [303, 400]);
      equal((await listKv(app.kv, ["users"])).length, 2, "MEMBER and one");
    },
  );
});
