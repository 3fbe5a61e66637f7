// The send flow's purposes, through lib/sms/sending.ts and through POST /sms_codes/<mobile>.
import { deepEqual, equal, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import {
  DAILY_SENDS_PER_CLIENT,
  DAILY_SENDS_PER_MOBILE,
  SMS_PURPOSES,
  type SmsCode,
  smsCodeKey,
  type SmsPurpose,
} from "@/lib/sms/codes.ts";
import type { SmsDelivery, SmsSender } from "@/lib/sms/delivery.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import { readImageCode, type TestApp, testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";
import { capturingLogs } from "./_logs.ts";

const MEMBER = "13800138000";
const STRANGER = "13900139000";
const CLIENT = "203.0.113.9";

/**
 * An app where MEMBER has an account and STRANGER has none. These stories send several codes from one
 * client and are about purposes, so no image code is asked for (its stories, below, have their own app).
 */
async function shop(): Promise<TestApp & Disposable> {
  const app = await testApp({ SMS_CAPTCHA: "off" });
  const op = app.kv.atomic();
  createUserIn(op, newUser(MEMBER, "not-a-real-hash", app.now()));
  equal((await op.commit()).ok, true);
  return Object.assign(app, { [Symbol.dispose]: () => app.close() });
}

/** Whom each purpose is sent to: the rest are answered the same and sent nothing. */
const SENT_TO: Record<SmsPurpose, string[]> = {
  signup: [MEMBER, STRANGER],
  // 短信验证码登录: a member's code logs in, a stranger's leads to the sign-up, so both are sent.
  login: [MEMBER, STRANGER],
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
    // The same wait a sent code leaves, so it tells nothing either.
    {
      ok: false,
      status: 429,
      error: messages.smsTooFrequent,
      retryAfterS: 30,
    },
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
      allow: "on",
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
    allow: "on",
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

/** A shop whose clients are told apart by X-Forwarded-For, with the image code in SMS_CAPTCHA's `mode`. */
async function captchaShop(mode?: "auto" | "always" | "off") {
  const app = await testApp({
    TRUST_PROXY: "true",
    ...mode && { SMS_CAPTCHA: mode },
  });
  const browser = await testBrowser(app);
  const ask = async (
    mobile: string,
    client: string,
    fields: Record<string, string> = {},
    query = "",
  ) => {
    const response = await browser.post(
      `/sms_codes/${mobile}${query}`,
      fields,
      {
        "x-forwarded-for": client,
      },
    );
    return { status: response.status, body: await response.text() };
  };
  const image = async (client = "192.0.2.200") => {
    const uuid = crypto.randomUUID();
    const response = await browser.get(`/image_codes/${uuid}`, {
      "x-forwarded-for": client,
    });
    equal(response.status, 200);
    await response.body?.cancel();
    return { uuid, text: await readImageCode(app, uuid) };
  };
  return Object.assign(app, {
    ask,
    image,
    [Symbol.dispose]: () => app.close(),
  });
}

const OK = { status: 200, body: '{"ok":true}' };
const asked = (status: number, error: string) => ({
  status,
  body: JSON.stringify({ ok: false, error, captcha: true }),
});
const MISSING = asked(400, messages.imageCodeMissing);
const EXPIRED = asked(400, messages.imageCodeExpired);
const WRONG = asked(400, messages.imageCodeWrong);
const TOO_FREQUENT = {
  status: 429,
  body: JSON.stringify({ ok: false, error: messages.smsTooFrequent }),
};

Deno.test("auto: a client's first code needs no image code, its next one in the hour does", async () => {
  using shop = await captchaShop();
  deepEqual(await shop.ask("13900000001", "192.0.2.1"), OK);
  deepEqual(await shop.ask("13900000002", "192.0.2.1"), MISSING);
  const { uuid, text } = await shop.image();
  deepEqual(
    await shop.ask("13900000002", "192.0.2.1", { image_code: text, uuid }),
    OK,
  );
  shop.clock.now += 3600_000;
  deepEqual(await shop.ask("13900000003", "192.0.2.1"), OK, "an hour later");
});

Deno.test("auto: a mobile sent a code in the hour needs one, from any client", async () => {
  using shop = await captchaShop();
  deepEqual(await shop.ask("13900000001", "192.0.2.1"), OK);
  shop.clock.now += 61_000;
  deepEqual(await shop.ask("13900000001", "192.0.2.2"), MISSING);
  deepEqual(
    shop.sent.map((sms) => sms.mobile),
    ["13900000001"],
    "the victim's phone got one SMS",
  );
});

Deno.test("a wrong answer, an unknown uuid and a used image are each refused with captcha:true", async () => {
  using shop = await captchaShop("always");
  const mobile = "13900000001";
  const client = "192.0.2.1";
  deepEqual(await shop.ask(mobile, client), MISSING);
  deepEqual(
    await shop.ask(mobile, client, {
      image_code: "ABCD",
      uuid: crypto.randomUUID(),
    }),
    EXPIRED,
  );
  deepEqual(
    await shop.ask(mobile, client, { image_code: "ABCD", uuid: "not-a-uuid" }),
    EXPIRED,
  );
  const { uuid, text } = await shop.image();
  const wrong = text === "2222" ? "3333" : "2222";
  deepEqual(await shop.ask(mobile, client, { image_code: wrong, uuid }), WRONG);
  deepEqual(
    await shop.ask(mobile, client, { image_code: text, uuid }),
    EXPIRED,
    "a wrong answer used the image up",
  );
  const expired = await shop.image();
  shop.clock.now += 300_000;
  deepEqual(
    await shop.ask(mobile, client, {
      image_code: expired.text,
      uuid: expired.uuid,
    }),
    EXPIRED,
    "300 s later",
  );
  equal(shop.sent.length, 0);
});

Deno.test("always: every code needs an image code, answered in any case, from the form or the query", async () => {
  using shop = await captchaShop("always");
  const first = await shop.image();
  deepEqual(
    await shop.ask("13900000001", "192.0.2.1", {
      image_code: first.text.toLowerCase(),
      uuid: first.uuid,
    }),
    OK,
  );
  const second = await shop.image();
  deepEqual(
    await shop.ask(
      "13900000002",
      "192.0.2.2",
      {},
      `?image_code=${second.text}&uuid=${second.uuid}`,
    ),
    OK,
  );
  deepEqual(await shop.ask("13900000003", "192.0.2.3"), MISSING);
});

Deno.test("off: no image code is ever asked for", async () => {
  using shop = await captchaShop("off");
  for (let i = 1; i <= 5; i++) {
    deepEqual(await shop.ask(`1390000000${i}`, "192.0.2.1"), OK, `code ${i}`);
  }
});

Deno.test("the checks run in order: mobile, resend wait, image code, then the caps", async (t) => {
  await t.step("a bad mobile is told so first", async () => {
    using shop = await captchaShop("always");
    deepEqual(await shop.ask("12345", "192.0.2.1"), {
      status: 400,
      body: JSON.stringify({ ok: false, error: messages.invalidMobile }),
    });
  });

  await t.step("within 60 s the wait is told, not the image code", async () => {
    using shop = await captchaShop();
    deepEqual(await shop.ask("13900000001", "192.0.2.1"), OK);
    deepEqual(await shop.ask("13900000001", "192.0.2.1"), TOO_FREQUENT);
    const { uuid, text } = await shop.image();
    deepEqual(
      await shop.ask("13900000001", "192.0.2.1", { image_code: text, uuid }),
      TOO_FREQUENT,
    );
    shop.clock.now += 61_000;
    deepEqual(
      await shop.ask("13900000001", "192.0.2.1", { image_code: text, uuid }),
      OK,
      "the wait did not use the image up",
    );
  });

  await t.step(
    "past a daily cap, the image code is asked before the cap is told",
    async () => {
      using shop = await captchaShop();
      for (let i = 0; i < DAILY_SENDS_PER_CLIENT; i++) {
        const { uuid, text } = await shop.image();
        deepEqual(
          await shop.ask(mobile("139", i), "192.0.2.1", {
            image_code: text,
            uuid,
          }),
          OK,
        );
      }
      deepEqual(await shop.ask("13800000000", "192.0.2.1"), MISSING);
      const { uuid, text } = await shop.image();
      deepEqual(
        await shop.ask("13800000000", "192.0.2.1", { image_code: text, uuid }),
        TOO_FREQUENT,
      );
    },
  );
});

Deno.test("a code not sent for its purpose counts toward the hour, so the next answer tells nothing either", async () => {
  using shop = await captchaShop();
  deepEqual(
    await shop.ask(STRANGER, "192.0.2.1", { purpose: "reset_password" }),
    OK,
  );
  deepEqual(
    await shop.ask(MEMBER, "192.0.2.1", { purpose: "reset_password" }),
    MISSING,
  );
});

const mobile = (prefix: string, n: number) =>
  `${prefix}${String(n).padStart(8, "0")}`;

/** A gateway that answers nothing until the test releases it with the answer it is to give. */
function heldGateway() {
  const held: {
    mobile: string;
    purpose: SmsPurpose;
    release(delivery: SmsDelivery): void;
  }[] = [];
  const called = Promise.withResolvers<void>();
  const sender: SmsSender = {
    send(mobile, _code, _ttl, purpose) {
      const { promise, resolve } = Promise.withResolvers<SmsDelivery>();
      held.push({ mobile, purpose, release: resolve });
      called.resolve();
      return promise;
    },
  };
  return { sender, held, called: called.promise };
}

/** Everything a client sees of an answer: status, headers and body. */
async function seen(response: Response) {
  return {
    status: response.status,
    headers: [...response.headers],
    body: await response.text(),
  };
}

/** Whom each of the purposes whose answer must tell nothing is delivered to, and whom it is not. */
const TOLD_NOTHING: [SmsPurpose, string, string][] = [
  ["reset_password", MEMBER, STRANGER],
  ["delete_account", MEMBER, STRANGER],
  ["change_mobile", STRANGER, MEMBER],
];
const GATEWAY_ANSWERS: [string, SmsDelivery][] = [
  ["its own limit", {
    ok: false,
    reason: "rate_limited",
    error: "isv.BUSINESS_LIMIT_CONTROL",
  }],
  ["a failure", {
    ok: false,
    reason: "failed",
    error: "isv.MOBILE_NUMBER_ILLEGAL",
  }],
  ["a send", { ok: true, requestId: "req-1" }],
];

Deno.test("reset, deletion and mobile-change codes are answered before the gateway, alike for every mobile", async (t) => {
  for (const [purpose, delivered, undelivered] of TOLD_NOTHING) {
    for (const [said, delivery] of GATEWAY_ANSWERS) {
      await t.step(
        `${purpose}, the gateway answering with ${said}`,
        async () => {
          using app = await shop();
          const gateway = heldGateway();
          app.sms = gateway.sender;
          const browser = await testBrowser(app);
          // The gateway is still holding the first mobile's code when both answers are read: an answer
          // that waited on it would never come.
          const probes = [];
          for (const mobile of [delivered, undelivered]) {
            probes.push(
              await seen(
                await browser.post(`/sms_codes/${mobile}`, { purpose }),
              ),
            );
            app.clock.now += 61_000;
          }
          deepEqual(probes[0], probes[1], "byte for byte the same answer");
          deepEqual(probes[0].status, 200);
          deepEqual(probes[0].body, '{"ok":true}');
          deepEqual(
            gateway.held.map(({ mobile }) => mobile),
            [delivered],
            "the gateway was given the one code that applies",
          );

          const logged = await capturingLogs(async () => {
            gateway.held[0].release(delivery);
            await app.background.settled();
          });
          deepEqual(
            logged.map((line) => JSON.parse(line).outcome),
            [delivery.ok ? "sent" : delivery.reason],
            "the gateway's answer is logged",
          );
          const live = await kvCode(app, delivered, purpose);
          equal(live !== null, delivery.ok, "a code nobody got is not live");
        },
      );
    }
  }
});

Deno.test("signup still tells the gateway's limit and failure: its caller has no account to hide", async () => {
  using app = await shop();
  const gateway = heldGateway();
  app.sms = gateway.sender;
  const answer = sendSmsCode(app, { mobile: STRANGER }, CLIENT);
  await gateway.called;
  ok(await kvCode(app, STRANGER, "signup"), "the code is written first");
  gateway.held[0].release({ ok: false, reason: "failed", error: "timeout" });
  deepEqual(await answer, {
    ok: false,
    status: 502,
    error: messages.smsSendFailed,
  });
  equal(await kvCode(app, STRANGER, "signup"), null);
});

/** The live code of `purpose` for `mobile` in the KV, or null. */
async function kvCode(app: TestApp, mobile: string, purpose: SmsPurpose) {
  return (await app.kv.get<SmsCode>(smsCodeKey(app.kv, mobile, purpose))).value;
}

Deno.test("mobile-change codes to a member's mobile reach no one and leave the member's day alone", async () => {
  using app = await shop();
  for (let i = 0; i < DAILY_SENDS_PER_MOBILE; i++) {
    deepEqual(
      await sendSmsCode(
        app,
        { mobile: MEMBER, purpose: "change_mobile" },
        `198.51.100.${i}`,
      ),
      { ok: true },
    );
    app.clock.now += 61_000;
  }
  equal(app.sent.length, 0);
  deepEqual(
    await sendSmsCode(
      app,
      { mobile: MEMBER, purpose: "reset_password" },
      CLIENT,
    ),
    { ok: true },
  );
  deepEqual(
    app.sent.map((sms) => [sms.mobile, sms.purpose]),
    [[MEMBER, "reset_password"]],
    "the member still gets the code they ask for",
  );
});

Deno.test("codes that reach no one count against the client that asked for them", async () => {
  using app = await shop();
  for (let i = 0; i < DAILY_SENDS_PER_CLIENT; i++) {
    deepEqual(
      await sendSmsCode(
        app,
        { mobile: mobile("139", i), purpose: "reset_password" },
        CLIENT,
      ),
      { ok: true },
    );
  }
  equal(app.sent.length, 0);
  deepEqual(
    await sendSmsCode(app, { mobile: mobile("137", 0) }, CLIENT),
    { ok: false, status: 429, error: messages.smsTooFrequent },
  );
});
