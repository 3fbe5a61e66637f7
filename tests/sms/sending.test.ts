// The send flow's purposes, through lib/sms/sending.ts and through POST /sms_codes/<mobile>.
import { deepEqual, equal } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { SMS_PURPOSES, type SmsPurpose } from "@/lib/sms/codes.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

const MEMBER = "13800138000";
const STRANGER = "13900139000";
const CLIENT = "203.0.113.9";

/** An app where MEMBER has an account and STRANGER has none. */
async function shop(): Promise<TestApp & Disposable> {
  const app = await testApp();
  const op = app.kv.atomic();
  createUserIn(op, newUser(MEMBER, "not-a-real-hash", app.now()));
  equal((await op.commit()).ok, true);
  return Object.assign(app, { [Symbol.dispose]: () => app.close() });
}

/** Whom each purpose is sent to: the rest are answered the same and sent nothing. */
const SENT_TO: Record<SmsPurpose, string[]> = {
  signup: [MEMBER, STRANGER],
  reset_password: [MEMBER],
  delete_account: [MEMBER],
  change_mobile: [STRANGER],
};

Deno.test("each purpose is sent only to the mobiles it applies to, and answered alike", async (t) => {
  for (const purpose of SMS_PURPOSES) {
    for (const mobile of [MEMBER, STRANGER]) {
      const applies = SENT_TO[purpose].includes(mobile);
      await t.step(
        `${purpose} to ${mobile === MEMBER ? "a member" : "a stranger"}: ${
          applies ? "sent" : "not sent"
        }`,
        async () => {
          using app = await shop();
          deepEqual(await sendSmsCode(app, { mobile, purpose }, CLIENT), {
            ok: true,
          });
          deepEqual(
            app.sent.map((sms) => [sms.mobile, sms.purpose]),
            applies ? [[mobile, purpose]] : [],
          );
        },
      );
    }
  }
});

Deno.test("a code not sent still starts the 60 s wait, for every purpose", async () => {
  using app = await shop();
  deepEqual(
    await sendSmsCode(
      app,
      { mobile: STRANGER, purpose: "reset_password" },
      CLIENT,
    ),
    { ok: true },
  );
  app.clock.now += 30_000;
  deepEqual(
    await sendSmsCode(app, { mobile: STRANGER }, "198.51.100.1"),
    { ok: false, status: 429, error: messages.smsTooFrequent },
  );
  app.clock.now += 31_000;
  deepEqual(await sendSmsCode(app, { mobile: STRANGER }, CLIENT), { ok: true });
  equal(app.sent.length, 1);
});

Deno.test("no purpose is signup; an unknown one is refused", async () => {
  using app = await shop();
  deepEqual(await sendSmsCode(app, { mobile: STRANGER }, CLIENT), { ok: true });
  deepEqual(app.sent.map((sms) => sms.purpose), ["signup"]);
  for (const purpose of ["register", "SIGNUP", "__proto__", "constructor"]) {
    deepEqual(
      await sendSmsCode(app, { mobile: MEMBER, purpose }, CLIENT),
      { ok: false, status: 400, error: messages.badRequest },
      purpose,
    );
  }
});

Deno.test("POST /sms_codes/<mobile> takes the purpose from the form or the query", async (t) => {
  using app = await shop();
  const browser = await testBrowser(app);

  await t.step("from the form body", async () => {
    const response = await browser.post(`/sms_codes/${MEMBER}`, {
      purpose: "reset_password",
    });
    equal(response.status, 200);
    deepEqual(await response.json(), { ok: true });
    deepEqual(app.sent.at(-1)?.purpose, "reset_password");
  });

  await t.step("from the query", async () => {
    app.clock.now += 61_000;
    const response = await browser.post(
      `/sms_codes/${MEMBER}?purpose=delete_account`,
    );
    equal(response.status, 200);
    await response.body?.cancel();
    deepEqual(app.sent.at(-1)?.purpose, "delete_account");
  });

  await t.step("an unknown purpose is 400 with a message", async () => {
    app.clock.now += 61_000;
    const response = await browser.post(`/sms_codes/${MEMBER}`, {
      purpose: "everything",
    });
    equal(response.status, 400);
    deepEqual(await response.json(), {
      ok: false,
      error: messages.badRequest,
    });
  });

  await t.step(
    "a mobile change to a taken mobile answers 200 and sends nothing",
    async () => {
      app.clock.now += 61_000;
      const before = app.sent.length;
      const response = await browser.post(`/sms_codes/${MEMBER}`, {
        purpose: "change_mobile",
      });
      equal(response.status, 200);
      deepEqual(await response.json(), { ok: true });
      equal(app.sent.length, before);
    },
  );
});

Deno.test("a reset code is refused by the register form, a register code is used by it", async () => {
  using app = await shop();
  const browser = await testBrowser(app);
  const register = (sms_code: string) =>
    browser.post("/register", {
      mobile: STRANGER,
      password: "secret123",
      sms_code,
    });
  // Only a member can be sent a reset code; the register form sees no code before it sees the taken mobile.
  const sent = await browser.post(`/sms_codes/${MEMBER}`, {
    purpose: "reset_password",
  });
  equal(sent.status, 200);
  await sent.body?.cancel();
  const resetCode = app.outbox.get(MEMBER)!;
  const refused = await browser.post("/register", {
    mobile: MEMBER,
    password: "secret123",
    sms_code: resetCode,
  });
  equal(refused.status, 400);
  const page = await refused.text();
  equal(page.includes(messages.smsCodeInvalid), true, "无效的短信验证码 shown");
  equal(page.includes(messages.mobileTaken), false);

  const signup = await browser.post(`/sms_codes/${STRANGER}`);
  equal(signup.status, 200);
  await signup.body?.cancel();
  const registered = await register(app.outbox.get(STRANGER)!);
  equal(registered.status, 303);
  await registered.body?.cancel();
});
