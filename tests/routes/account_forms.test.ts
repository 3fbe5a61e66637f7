// Every row and message of the contract's password reset, password change, mobile change and deletion.
import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { messages } from "@/lib/messages.ts";
import { findUserByLogin } from "@/lib/accounts/users.ts";
import { MISSING } from "@/lib/forms/rules.ts";
import type { SmsPurpose } from "@/lib/sms/codes.ts";
import { listKv, readImageCode, type TestApp, testApp } from "@/tests/_app.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
} from "./_browser.ts";

const PASSWORD = "secret123";
const NEW_PASSWORD = "newsecret456";
const MOBILE = "13800138000";

/** A code of `purpose` for `mobile`, past the 60 s gap, read from the outbox ("" when none was sent). */
async function code(
  app: TestApp,
  browser: TestBrowser,
  mobile: string,
  purpose: SmsPurpose,
): Promise<string> {
  app.clock.now += 61_000;
  app.outbox.delete(mobile);
  const response = await browser.sendSms(app, mobile, { purpose });
  equal(response.status, 200, await response.text());
  return app.outbox.get(mobile) ?? "";
}

async function registered(mobile = MOBILE, env: Record<string, string> = {}) {
  const app = await testApp(env);
  const browser = await testBrowser(app);
  const sms_code = await code(app, browser, mobile, "signup");
  const response = await browser.post("/register", {
    mobile,
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(response.status, 303);
  return { app, browser };
}

/**
 * What a refused form shows for `fields`: `message` under `field`; for a form missing fields, 缺少必传参数
 * and, under each of `required` left empty, what it lacks.
 */
function expected(
  fields: Record<string, string>,
  field: string,
  message: string,
  required: string[],
): Record<string, string> {
  if (field !== "form") return { [field]: message };
  return Object.fromEntries([
    ...required.filter((name) => !fields[name]).map((name) => [
      name,
      MISSING[name as keyof typeof MISSING],
    ]),
    ["form", message],
  ]);
}

/** The message shown for `field`, from a re-rendered form. */
async function shown(response: Response): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of (await response.text()).matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

async function logsIn(username: string, password: string): Promise<boolean> {
  const response = await (await anotherBrowser()).post("/login", {
    username,
    password,
  });
  await response.body?.cancel();
  return response.status === 303;
}

Deno.test("password reset by SMS", async (t) => {
  const { app, browser } = await registered();
  const elsewhere = await anotherBrowser();
  ok(await elsewhere.post("/login", { username: MOBILE, password: PASSWORD }));
  const reset = await anotherBrowser();

  await t.step(
    "the page: 200, no-store, linked from the login and bind forms",
    async () => {
      const page = await reset.get("/password/reset");
      equal(page.status, 200);
      equal(page.headers.get("cache-control"), "no-store");
      const html = await page.text();
      for (const field of ["mobile", "sms_code", "password"]) {
        match(html, new RegExp(`name="${field}"`));
      }
      match(
        await (await reset.get("/login")).text(),
        /href="\/password\/reset"/,
      );
      const bindPage = await (await (await anotherBrowser()).qqLogin()).text();
      match(bindPage, /href="\/password\/reset"/, "and from the bind form");
    },
  );

  await t.step(
    "each failure re-renders with 400 and the bind table's message",
    async () => {
      const signup = await code(app, reset, MOBILE, "signup");
      const rows: [Record<string, string>, string, string][] = [
        [
          { mobile: MOBILE, password: NEW_PASSWORD },
          "form",
          messages.missingFields,
        ],
        [
          { mobile: "1380013800", password: NEW_PASSWORD, sms_code: "123456" },
          "mobile",
          messages.invalidMobile,
        ],
        [
          { mobile: MOBILE, password: "short", sms_code: "123456" },
          "password",
          messages.invalidPassword,
        ],
        [
          { mobile: MOBILE, password: NEW_PASSWORD, sms_code: signup },
          "sms_code",
          messages.smsCodeInvalid,
        ],
      ];
      for (const [fields, field, message] of rows) {
        const response = await reset.post("/password/reset", fields);
        equal(response.status, 400, message);
        deepEqual(
          await shown(response),
          expected(fields, field, message, ["mobile", "password", "sms_code"]),
        );
      }
      const sms_code = await code(app, reset, MOBILE, "reset_password");
      const wrong = String((Number(sms_code) + 1) % 1e6).padStart(6, "0");
      const response = await reset.post("/password/reset", {
        mobile: MOBILE,
        password: NEW_PASSWORD,
        sms_code: wrong,
      });
      equal(response.status, 400);
      deepEqual(await shown(response), { sms_code: messages.smsCodeWrong });
    },
  );

  await t.step(
    "no reset code is spent on a mobile without an account",
    async () => {
      equal(await code(app, reset, "13900139000", "reset_password"), "");
    },
  );

  await t.step(
    "success: new password, every session ended, logged in, 303 /account",
    async () => {
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        await logsIn(MOBILE, `wrongpass${i}`);
      }
      ok(
        !await logsIn(MOBILE, PASSWORD),
        "past the limit without an image code",
      );
      const sms_code = await code(app, reset, MOBILE, "reset_password");
      const response = await reset.post("/password/reset", {
        mobile: MOBILE,
        password: NEW_PASSWORD,
        sms_code,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account");
      equal((await reset.get("/account")).status, 200, "logged in");
      equal(
        (await browser.get("/account")).status,
        303,
        "the old sessions end",
      );
      equal((await elsewhere.get("/account")).status, 303);
      ok(!await logsIn(MOBILE, PASSWORD), "the old password is gone");
      ok(
        await logsIn(MOBILE, NEW_PASSWORD),
        "the limit is cleared for the owner",
      );
    },
  );

  await t.step(
    "without JavaScript the SMS button posts the form, the image code included",
    async () => {
      app.clock.now += 61_000;
      const asked = await reset.post("/password/reset", {
        mobile: MOBILE,
        action: "send_sms",
      });
      const page = await asked.text();
      const uuid = page.match(/name="uuid" value="([^"]+)"/)?.[1];
      ok(
        uuid,
        "this client has had codes this hour: the form asks for an image code",
      );
      await (await reset.get(`/image_codes/${uuid}`)).body?.cancel();
      const response = await reset.post("/password/reset", {
        mobile: MOBILE,
        action: "send_sms",
        uuid,
        image_code: await readImageCode(app, uuid),
      });
      equal(response.status, 200);
      match(await response.text(), new RegExp(messages.smsCodeSent));
    },
  );

  await t.step("cross-site 403, over 64 KiB 413", async () => {
    const cross = await reset.post("/password/reset", { mobile: MOBILE }, {
      "sec-fetch-site": "cross-site",
    });
    equal(cross.status, 403);
    const big = await reset.post("/password/reset", {
      mobile: "x".repeat(70_000),
    });
    equal(big.status, 413);
  });

  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});

Deno.test("a reset code is refused at register", async () => {
  const { app, browser } = await registered();
  const sms_code = await code(app, browser, MOBILE, "reset_password");
  const response = await browser.post("/register", {
    mobile: MOBILE,
    password: NEW_PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(response.status, 400);
  deepEqual(await shown(response), { sms_code: messages.smsCodeInvalid });
  app.close();
});

Deno.test("a register code is refused at reset", async () => {
  const { app, browser } = await registered();
  const sms_code = await code(app, browser, MOBILE, "signup");
  const response = await browser.post("/password/reset", {
    mobile: MOBILE,
    password: NEW_PASSWORD,
    sms_code,
  });
  equal(response.status, 400);
  deepEqual(await shown(response), { sms_code: messages.smsCodeInvalid });
  ok(await logsIn(MOBILE, PASSWORD), "the password did not change");
  app.close();
});

Deno.test("password change on the account page", async (t) => {
  const { app, browser } = await registered();
  const elsewhere = await anotherBrowser();
  await elsewhere.post("/login", { username: MOBILE, password: PASSWORD });

  await t.step("logged out: to the login form", async () => {
    const nobody = await anotherBrowser();
    const page = await nobody.get("/account/password");
    equal(page.headers.get("location"), "/login?next=/account/password");
    const post = await nobody.post("/account/password", {
      old_password: PASSWORD,
      password: NEW_PASSWORD,
    });
    equal(post.status, 303);
    equal(post.headers.get("location"), "/login?next=/account");
  });

  await t.step("failures: 400 with their message", async () => {
    const rows: [Record<string, string>, string, string][] = [
      [{ password: NEW_PASSWORD }, "form", messages.missingFields],
      [
        { old_password: PASSWORD, password: "short" },
        "password",
        messages.invalidPassword,
      ],
      [
        { old_password: "wrongpass1", password: NEW_PASSWORD },
        "old_password",
        messages.oldPasswordWrong,
      ],
    ];
    for (const [fields, field, message] of rows) {
      const response = await browser.post("/account/password", fields);
      equal(response.status, 400, message);
      deepEqual(
        await shown(response),
        expected(fields, field, message, ["old_password", "password"]),
      );
    }
  });

  await t.step(
    "success: 303 /account, a new session here, the others ended",
    async () => {
      const before = browser.cookies.get("session");
      const response = await browser.post("/account/password", {
        old_password: PASSWORD,
        password: NEW_PASSWORD,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account");
      notEqual(browser.cookies.get("session"), before);
      equal((await browser.get("/account")).status, 200);
      equal((await elsewhere.get("/account")).status, 303);
      ok(await logsIn(MOBILE, NEW_PASSWORD));
      ok(!await logsIn(MOBILE, PASSWORD));
    },
  );

  app.close();
});

Deno.test("mobile change on the account page", async (t) => {
  const { app, browser } = await registered();
  const NEW = "13700137000";
  const elsewhere = await anotherBrowser();
  await elsewhere.post("/login", { username: MOBILE, password: PASSWORD });
  const other = await anotherBrowser();
  const taken = "13600136000";
  const sms = await code(app, other, taken, "signup");
  await other.post("/register", {
    mobile: taken,
    password: PASSWORD,
    sms_code: sms,
    allow: "on",
  });

  await t.step("failures: 400 with their message", async () => {
    const codeForNew = await code(app, browser, NEW, "change_mobile");
    const signupForNew = await code(app, browser, "13500135000", "signup");
    const rows: [Record<string, string>, string, string][] = [
      [{ mobile: NEW, sms_code: codeForNew }, "form", messages.missingFields],
      [
        { password: PASSWORD, mobile: "12345", sms_code: codeForNew },
        "mobile",
        messages.invalidMobile,
      ],
      [
        { password: "wrongpass1", mobile: NEW, sms_code: codeForNew },
        "password",
        messages.passwordWrong,
      ],
      // The code is checked first: a taken mobile was sent none, so nothing says it is taken.
      [
        { password: PASSWORD, mobile: taken, sms_code: codeForNew },
        "sms_code",
        messages.smsCodeInvalid,
      ],
      [
        { password: PASSWORD, mobile: "13500135000", sms_code: signupForNew },
        "sms_code",
        messages.smsCodeInvalid,
      ],
    ];
    for (const [fields, field, message] of rows) {
      const response = await browser.post("/account/mobile", fields);
      equal(response.status, 400, message);
      deepEqual(
        await shown(response),
        expected(fields, field, message, ["mobile", "password", "sms_code"]),
      );
    }
    equal(
      await code(app, browser, taken, "change_mobile"),
      "",
      "no SMS to a mobile that has an account",
    );
  });

  await t.step(
    "success: the mobile and username move, the old mobile is free",
    async () => {
      const sms_code = await code(app, browser, NEW, "change_mobile");
      const before = browser.cookies.get("session");
      const response = await browser.post("/account/mobile", {
        password: PASSWORD,
        mobile: NEW,
        sms_code,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account");
      notEqual(browser.cookies.get("session"), before);
      const account = await (await browser.get("/account")).text();
      const shown = NEW.replace(/^(\d{3})\d{4}/, "$1\\*\\*\\*\\*");
      match(account, new RegExp(`data-field="username">${shown}<`));
      match(account, new RegExp(`data-field="mobile">${shown}<`));
      equal(
        (await elsewhere.get("/account")).status,
        303,
        "other sessions end",
      );
      ok(await logsIn(NEW, PASSWORD));
      ok(!await logsIn(MOBILE, PASSWORD));
      const again = await anotherBrowser();
      const sms = await code(app, again, MOBILE, "signup");
      const reuse = await again.post("/register", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: sms,
        allow: "on",
      });
      equal(reuse.status, 303, "the old mobile registers again");
    },
  );

  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});

Deno.test("account deletion", async (t) => {
  const { app, browser } = await registered();
  const qq = await anotherBrowser();
  const token = bindTokenIn(await (await qq.qqLogin()).text());
  const bindCode = await code(app, qq, MOBILE, "signup");
  const bound = await qq.post("/oauth_callback", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code: bindCode,
    allow: "on",
    access_token: token,
  });
  equal(bound.status, 303);
  const userId = String((await listKv(app.kv, ["users"]))[0][0][1]);

  await t.step("failures: 400 with their message", async () => {
    const rows: [Record<string, string>, string, string][] = [
      [{ password: PASSWORD }, "form", messages.missingFields],
      [
        { password: "wrongpass1", sms_code: "123456" },
        "password",
        messages.passwordWrong,
      ],
      [
        { password: PASSWORD, sms_code: "123456" },
        "sms_code",
        messages.smsCodeInvalid,
      ],
    ];
    for (const [fields, field, message] of rows) {
      const response = await browser.post("/account/delete", fields);
      equal(response.status, 400, message);
      deepEqual(
        await shown(response),
        expected(fields, field, message, ["password", "sms_code"]),
      );
    }
    const signup = await code(app, browser, MOBILE, "signup");
    const wrongPurpose = await browser.post("/account/delete", {
      password: PASSWORD,
      sms_code: signup,
    });
    deepEqual(await shown(wrongPurpose), { sms_code: messages.smsCodeInvalid });
  });

  await t.step(
    "success: everything of the user goes, cookies cleared, 303 /",
    async () => {
      const sms_code = await code(app, browser, MOBILE, "delete_account");
      const response = await browser.post("/account/delete", {
        password: PASSWORD,
        sms_code,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/");
      const cleared = response.headers.getSetCookie();
      ok(cleared.some((c) => /^session=;.*Max-Age=0/.test(c)));
      ok(cleared.some((c) => /^username=;.*Max-Age=0/.test(c)));
      equal((await qq.get("/account")).status, 303, "every session ended");
      const left = (await listKv(app.kv)).filter(([key]) =>
        /^(users|bindings|sessions)/.test(String(key[0]))
      );
      deepEqual(left, [], "no user, index, binding or session row is left");
      const report = await checkInvariants(app.kv);
      deepEqual(report.problems, []);
    },
  );

  await t.step("the audit rows stay, the mobile masked", async () => {
    const rows = (await listKv(app.kv, ["audit"])).map(([, value]) =>
      value as { userId?: string; mobile?: string; action: string }
    );
    ok(
      rows.some((row) =>
        row.action === "account_delete" && row.userId === userId
      ),
    );
    ok(!JSON.stringify(rows).includes(MOBILE));
    ok(rows.some((row) => row.mobile === "138****8000"));
  });

  await t.step(
    "the mobile can register again, and the QQ binds anew",
    async () => {
      const again = await anotherBrowser();
      const sms_code = await code(app, again, MOBILE, "signup");
      const response = await again.post("/register", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code,
        allow: "on",
      });
      equal(response.status, 303);
      equal(
        (await (await anotherBrowser()).qqLogin()).status,
        200,
        "the bind form",
      );
    },
  );

  app.close();
});

Deno.test("without JavaScript the account forms count the SMS gap down and say how long is left", async (t) => {
  // No image code in the way: this is about the gap and what the forms keep.
  const { app, browser } = await registered(MOBILE, { SMS_CAPTCHA: "off" });
  const forms = [
    {
      path: "/password/reset",
      who: await anotherBrowser(),
      mobile: MOBILE,
      // Refused for the new password's length, after the code's form was checked.
      refused: { password: "short" },
    },
    {
      path: "/account/mobile",
      who: browser,
      mobile: "13700137000",
      refused: { password: "wrongpass1" },
    },
    {
      path: "/account/delete",
      who: browser,
      mobile: MOBILE,
      refused: { password: "wrongpass1" },
    },
  ];
  for (const { path, who, mobile, refused } of forms) {
    await t.step(
      `${path}: sent, asked again too soon, then refused for its password`,
      async () => {
        app.clock.now += 61_000;
        app.outbox.delete(mobile);
        const sent = await who.post(path, { action: "send_sms", mobile });
        equal(sent.status, 200);
        let html = await sent.text();
        match(html, new RegExp(messages.smsCodeSent));
        match(html, />60秒后可重新获取</);
        equal(valueOf(html, "mobile"), mobile);
        const sms_code = app.outbox.get(mobile) ?? "";
        ok(sms_code, "the code went to the form's mobile");

        app.clock.now += 18_500;
        const again = await who.post(path, { action: "send_sms", mobile });
        equal(again.status, 429);
        html = await again.text();
        match(html, /data-field="sms_code" role="alert">发送短信过于频繁</);
        match(html, /请42秒后再获取/);
        match(html, />42秒后可重新获取</);

        app.clock.now += 2_000;
        const failed = await who.post(path, { mobile, sms_code, ...refused });
        equal(failed.status, 400);
        html = await failed.text();
        equal(valueOf(html, "sms_code"), sms_code, "the live code is kept");
        equal(valueOf(html, "password"), "", "a password is never sent back");
        match(html, />40秒后可重新获取</);
      },
    );
  }
  app.close();
});

/** The value the page's input `name` comes back with ("" when none). */
function valueOf(html: string, name: string): string {
  const input = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  if (!input) throw new Error(`no ${name} field on the page`);
  return input.match(/value="([^"]*)"/)?.[1] ?? "";
}

Deno.test("the rule for new passwords is the hint of new passwords only", async () => {
  const { app, browser } = await registered();
  const hintOf = async (response: Response) =>
    (await response.text()).match(
      /<p class="hint" id="password-hint">([^<]*)<\/p>/,
    )?.[1] ?? null;
  equal(
    await hintOf(await (await anotherBrowser()).get("/password/reset")),
    "8-20位，字母、数字或符号",
    "the reset asks for a new one",
  );
  for (const path of ["/account/mobile", "/account/delete"]) {
    equal(
      await hintOf(await browser.get(path)),
      null,
      `${path}: the current one`,
    );
    const refused = await browser.post(path, {
      mobile: "13700137000",
      password: PASSWORD,
      sms_code: "123456",
    });
    equal(refused.status, 400);
    equal(
      await hintOf(refused),
      "为了安全，请重新输入密码",
      `${path}: came back for its code, without the password typed`,
    );
  }
  app.close();
});

Deno.test("the account page's password checks count toward the account's 50 a day", async () => {
  const { app, browser } = await registered();
  let checked = 0;
  let page = "";
  while (checked < 50) {
    const fields: Record<string, string> = {
      old_password: `wrongpass${checked}`,
      password: NEW_PASSWORD,
    };
    const uuid = page.match(/name="uuid" value="([^"]+)"/)?.[1];
    if (uuid) {
      await (await browser.get(`/image_codes/${uuid}`)).body?.cancel();
      Object.assign(fields, {
        uuid,
        image_code: await readImageCode(app, uuid),
      });
    }
    const response = await browser.post("/account/password", fields);
    equal(response.status, 400);
    page = await response.text();
    if (page.includes(messages.oldPasswordWrong)) checked++;
    else match(page, new RegExp(messages.tooManyAttempts));
  }
  const uuid = page.match(/name="uuid" value="([^"]+)"/)?.[1]!;
  await (await browser.get(`/image_codes/${uuid}`)).body?.cancel();
  const response = await browser.post("/account/password", {
    old_password: PASSWORD,
    password: NEW_PASSWORD,
    uuid,
    image_code: await readImageCode(app, uuid),
  });
  equal(response.status, 400);
  deepEqual(await shown(response), {
    old_password: messages.tooManyAttemptsToday,
  });
  const user = await findUserByLogin(app.kv, MOBILE);
  ok(
    await app.passwords.verify(PASSWORD, user!.passwordHash),
    "the password did not change",
  );
  app.close();
});
