// 个人信息保护法 on the forms: the register and bind forms' 我已阅读并同意 box, the legal texts, the consent
// each account keeps, and the gate that asks an account without one before anything else.
import { deepEqual, doesNotMatch, equal, match, ok } from "node:assert/strict";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { consentKey } from "@/lib/legal/consents.ts";
import { legalVersions, readLegalTexts } from "@/lib/legal/texts.ts";
import { messages } from "@/lib/messages.ts";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { countReads, listKv, type TestApp, testApp } from "@/tests/_app.ts";
import {
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const PASSWORD = "secret123";
const MOBILE = "13800138000";
const OPERATORS_TEXTS = new URL("../fixtures/legal", import.meta.url).pathname;

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

/** The allow box as the page has it: its tag, or null. */
function allowBox(html: string): string | null {
  return html.match(/<input[^>]*name="allow"[^>]*>/)?.[0] ?? null;
}

/** An account written straight into the KV, as one made before consents were kept, logged in. */
async function accountWithoutConsent(app: TestApp, browser: TestBrowser) {
  const user = newUser(MOBILE, await app.passwords.hash(PASSWORD), app.now());
  ok((await createUserIn(app.kv.atomic(), user).commit()).ok);
  const login = await browser.post("/login", {
    username: MOBILE,
    password: PASSWORD,
  });
  equal(login.status, 303);
  return user;
}

Deno.test("the register and bind forms carry an unticked 我已阅读并同意 box, each title a link", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const pages = {
    register: await (await browser.get("/register")).text(),
    bind: await (await browser.qqLogin()).text(),
  };
  for (const [form, html] of Object.entries(pages)) {
    const box = allowBox(html);
    ok(box, `${form}: no allow box`);
    match(box, /type="checkbox"/, form);
    // Without a value attribute a ticked box posts `on`.
    doesNotMatch(box, /\bvalue=/, form);
    doesNotMatch(box, /\bchecked\b/, `${form}: never ticked for the user`);
    const label = html.match(
      /<label class="checkbox">(<input[^>]*name="allow"[\s\S]*?)<\/label>/,
    )
      ?.[1] ?? "";
    equal(
      label.replace(/<[^>]+>/g, ""),
      "我已阅读并同意《用户协议》和《隐私政策》",
      form,
    );
    match(label, /<a href="\/agreement"[^>]*>《用户协议》<\/a>/, form);
    match(label, /<a href="\/privacy"[^>]*>《隐私政策》<\/a>/, form);
  }
  app.close();
});

Deno.test("registering without the box: 400 请勾选用户协议, after the formats, before the code; nothing written", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const sms_code = await browser.smsCode(app, MOBILE);
  const form = { mobile: MOBILE, password: PASSWORD, sms_code };

  await t.step(
    "the fields' own checks come first, in the contract's order",
    async () => {
      const rows: [Record<string, string>, Record<string, string>][] = [
        [{ mobile: MOBILE, password: PASSWORD }, {
          sms_code: messages.smsCodeMissing,
          form: messages.missingFields,
        }],
        [{ ...form, mobile: "1380013800" }, { mobile: messages.invalidMobile }],
        [{ ...form, password: "short" }, {
          password: messages.invalidPassword,
        }],
      ];
      for (const [fields, expected] of rows) {
        const response = await browser.post("/register", fields);
        equal(response.status, 400);
        deepEqual(await shown(response), expected);
      }
    },
  );

  await t.step("then the box, before the code is looked at", async () => {
    for (const allow of [undefined, "", "off", "yes", "ON"]) {
      const fields = allow === undefined ? form : { ...form, allow };
      // A wrong code too: the box is what the form says, and no turn of the code is spent on it.
      for (const code of [sms_code, "000000"]) {
        const response = await browser.post("/register", {
          ...fields,
          sms_code: code,
        });
        equal(response.status, 400, `allow=${allow}`);
        deepEqual(await shown(response), { allow: messages.allowRequired });
      }
    }
    deepEqual(await listKv(app.kv, ["users"]), []);
    deepEqual(await listKv(app.kv, ["consents"]), []);
  });

  await t.step(
    "the form comes back with what was typed, the box unticked and named",
    async () => {
      const html = await (await browser.post("/register", form)).text();
      match(html, new RegExp(`name="mobile"[^>]*value="${MOBILE}"`));
      match(allowBox(html)!, /aria-invalid="true"/);
      match(allowBox(html)!, /autofocus/i);
    },
  );

  await t.step(
    "ticked: the same code registers (it was never consumed)",
    async () => {
      const response = await browser.post("/register", {
        ...form,
        allow: "on",
      });
      equal(response.status, 303);
      equal((await listKv(app.kv, ["users"])).length, 1);
    },
  );
  app.close();
});

Deno.test("a ticked box stays ticked when the form comes back for another reason", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await browser.smsCode(app, MOBILE);
  const response = await browser.post("/register", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code: "000000",
    allow: "on",
  });
  equal(response.status, 400);
  const html = await response.text();
  match(html, new RegExp(messages.smsCodeWrong));
  match(allowBox(html)!, /\bchecked\b/);
  app.close();
});

Deno.test("binding without the box: 400 请勾选用户协议; the code, the bind token and the store untouched", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const access_token = bindTokenIn(await (await browser.qqLogin()).text());
  const sms_code = await browser.smsCode(app, MOBILE);
  const form = { mobile: MOBILE, password: PASSWORD, sms_code, access_token };
  for (let i = 0; i < 6; i++) {
    const response = await browser.post("/oauth_callback", form);
    equal(response.status, 400);
    deepEqual(await shown(response), { allow: messages.allowRequired });
  }
  const formats = await browser.post("/oauth_callback", {
    ...form,
    password: "short",
  });
  deepEqual(await shown(formats), { password: messages.invalidPassword });
  deepEqual(await listKv(app.kv, ["users"]), []);
  deepEqual(await listKv(app.kv, ["bindings"]), []);
  deepEqual(await listKv(app.kv, ["consents"]), []);
  const bound = await browser.post("/oauth_callback", { ...form, allow: "on" });
  equal(bound.status, 303, "the same code and token bind once it is ticked");
  app.close();
});

Deno.test("each account keeps its consent: which texts, which versions, when, on which form", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const versions = legalVersions(app.legal);

  await t.step(
    "a registration, in the write that makes the account",
    async () => {
      const sms_code = await browser.smsCode(app, MOBILE);
      const at = app.now();
      await browser.post("/register", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code,
        allow: "on",
      });
      const [[, user]] = await listKv(app.kv, ["users"]) as [unknown, {
        id: string;
      }][];
      deepEqual(
        (await app.kv.get(consentKey(user.id, versions))).value,
        { versions, at, via: "register" },
      );
    },
  );

  await t.step(
    "a bind that makes an account, and one to an account that has one",
    async () => {
      for (
        const [mobile, identity] of [
          ["13900139000", XIAOMING],
          [MOBILE, PRESET_IDENTITIES[1]],
        ] as const
      ) {
        const other = await testBrowser(app);
        const access_token = bindTokenIn(
          await (await other.qqLogin(identity)).text(),
        );
        const sms_code = await other.smsCode(app, mobile);
        const at = app.now();
        const bound = await other.post("/oauth_callback", {
          mobile,
          password: PASSWORD,
          sms_code,
          allow: "on",
          access_token,
        });
        equal(bound.status, 303);
        const rows = await listKv(app.kv, ["consents"]);
        ok(
          rows.some(([, value]) =>
            JSON.stringify(value) ===
              JSON.stringify({ versions, at, via: "bind" })
          ),
          JSON.stringify(rows),
        );
      }
    },
  );
  app.close();
});

Deno.test("/agreement and /privacy show the texts, the templates without LEGAL_DIR", async (t) => {
  await t.step("the templates, with their versions", async () => {
    const app = await testApp();
    const browser = await testBrowser(app);
    for (
      const [path, title] of [["/agreement", "美多商城用户协议"], [
        "/privacy",
        "美多商城隐私政策",
      ]]
    ) {
      const response = await browser.get(path);
      equal(response.status, 200, path);
      const html = await response.text();
      match(html, new RegExp(`<h1>${title}</h1>`));
      const id = path.slice(1) as "agreement" | "privacy";
      match(html, new RegExp(`版本 ${app.legal[id].version}`));
    }
    app.close();
  });

  await t.step("the operator's own from LEGAL_DIR", async () => {
    const app = await testApp({ LEGAL_DIR: OPERATORS_TEXTS });
    const browser = await testBrowser(app);
    match(
      await (await browser.get("/agreement")).text(),
      /<h1>示例商城用户协议<\/h1>/,
    );
    match(
      await (await browser.get("/privacy")).text(),
      /<h1>示例商城隐私政策<\/h1>/,
    );
    app.close();
  });
});

Deno.test("an account with no consent is asked at its next page, and nothing else answers until it agrees", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const user = await accountWithoutConsent(app, browser);

  await t.step(
    "its pages and its forms go to /consent, coming back to the page",
    async () => {
      for (
        const path of [
          "/",
          "/account",
          "/account/sessions?x=1",
          "/register",
          "/login",
          "/oauth/qq/login?next=/account",
        ]
      ) {
        const response = await browser.get(path);
        equal(response.status, 303, path);
        equal(
          response.headers.get("location"),
          `/consent?next=${encodeURIComponent(path).replaceAll("%2F", "/")}`,
        );
      }
      const posted = await browser.post("/account/password", {
        old_password: PASSWORD,
        password: "newsecret456",
      });
      equal(posted.status, 303);
      equal(
        posted.headers.get("location"),
        "/consent?next=/",
        "a post can't be come back to",
      );
      ok(
        await app.passwords.verify(
          PASSWORD,
          (await app.kv.get<{ passwordHash: string }>(["users", user.id]))
            .value!.passwordHash,
        ),
        "nothing changed",
      );
    },
  );

  await t.step(
    "the texts, the logout, the deletion page, its codes and the stylesheet still answer",
    async () => {
      for (
        const path of [
          "/consent?next=/account",
          "/agreement",
          "/privacy",
          "/logout",
          "/account/delete",
          "/styles.css",
        ]
      ) {
        const response = await browser.get(path);
        await response.body?.cancel();
        equal(response.status, 200, path);
      }
      app.clock.now += 61_000;
      const sms = await browser.sendSms(app, MOBILE, {
        purpose: "delete_account",
      });
      equal(sms.status, 200, "the deletion page's code");
    },
  );

  await t.step("/consent: the texts' links and an unticked box", async () => {
    const html = await (await browser.get("/consent?next=/account")).text();
    match(html, /请阅读用户协议和隐私政策/);
    match(html, /<a href="\/agreement">《用户协议》<\/a>/);
    match(html, /<a href="\/privacy">《隐私政策》<\/a>/);
    doesNotMatch(allowBox(html)!, /\bchecked\b/);
    match(html, /action="\/consent\?next=%2Faccount"/);
  });

  await t.step(
    "posted without the box: 400 请勾选用户协议, and still asked",
    async () => {
      const response = await browser.post("/consent?next=/account", {});
      equal(response.status, 400);
      deepEqual(await shown(response), { allow: messages.allowRequired });
      equal((await browser.get("/account")).status, 303);
    },
  );

  await t.step(
    "ticked: kept as given on the consent page, and on to next",
    async () => {
      const at = app.now();
      const response = await browser.post("/consent?next=/account", {
        allow: "on",
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account");
      deepEqual(
        (await app.kv.get(consentKey(user.id, legalVersions(app.legal)))).value,
        { versions: legalVersions(app.legal), at, via: "consent" },
      );
      equal((await browser.get("/account")).status, 200);
      const again = await browser.get("/consent?next=/account");
      equal(again.status, 303, "nothing more to agree to");
      equal(again.headers.get("location"), "/account");
    },
  );
  app.close();
});

Deno.test("/consent's next never leaves the site", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await accountWithoutConsent(app, browser);
  const response = await browser.post("/consent?next=//evil.example/x", {
    allow: "on",
  });
  equal(response.status, 303);
  equal(response.headers.get("location"), "/");
  app.close();
});

Deno.test("a new version of a text asks again, saying the texts have changed", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await browser.register(app, MOBILE, PASSWORD);
  equal((await browser.get("/account")).status, 200);
  // The operator publishes its own texts: new versions.
  app.legal = readLegalTexts(OPERATORS_TEXTS);
  const asked = await browser.get("/account");
  equal(asked.status, 303);
  equal(asked.headers.get("location"), "/consent?next=/account");
  const page = await (await browser.get("/consent?next=/account")).text();
  match(page, /用户协议和隐私政策已更新/);
  match(page, new RegExp(`版本 ${app.legal.privacy.version}`));
  equal((await browser.post("/consent", { allow: "on" })).status, 303);
  equal((await browser.get("/account")).status, 200);
  app.close();
});

Deno.test("a consent found is trusted for a minute: the next pages read none, and one lost to a restore is asked for again", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await browser.register(app, MOBILE, PASSWORD);
  const reads = countReads(app.kv);
  const account = async () => {
    const response = await browser.get("/account");
    await response.body?.cancel();
    return response;
  };

  await t.step("the first page reads it, the next ones do not", async () => {
    equal((await account()).status, 200);
    equal(reads("consents"), 1);
    equal((await account()).status, 200);
    app.clock.now += 59_000;
    equal((await account()).status, 200);
    equal(reads("consents"), 1);
  });

  await t.step("past the minute it is read again", async () => {
    app.clock.now += 2_000;
    equal((await account()).status, 200);
    equal(reads("consents"), 2);
  });

  await t.step(
    "gone from the store, it is asked for once the minute is over",
    async () => {
      const [[, user]] = await listKv(app.kv, ["users_by_mobile"]);
      await app.kv.delete(consentKey(user as string, legalVersions(app.legal)));
      equal((await account()).status, 200);
      app.clock.now += 60_001;
      const asked = await account();
      equal(asked.status, 303);
      equal(asked.headers.get("location"), "/consent?next=/account");
    },
  );
  app.close();
});

Deno.test("a logged-out visitor costs the gate no read", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const reads = countReads(app.kv);
  for (const path of ["/", "/login", "/agreement"]) {
    const response = await browser.get(path);
    await response.body?.cancel();
    equal(response.status, 200, path);
  }
  equal(reads(), 0);
  app.close();
});

Deno.test("deleting the account deletes its consents", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await browser.register(app, MOBILE, PASSWORD);
  equal((await listKv(app.kv, ["consents"])).length, 1);
  const code = await browser.smsCode(app, MOBILE, {
    purpose: "delete_account",
  });
  const deleted = await browser.post("/account/delete", {
    password: PASSWORD,
    sms_code: code,
  });
  equal(deleted.status, 303);
  deepEqual(await listKv(app.kv, ["consents"]), []);
  app.close();
});
