// A browser's refused form post through the handler: 303 to the form's own page, which shows it again
// (reload and Back are GETs: nothing is posted twice, no try is spent), kept only for that browser and
// without its password; a script's post keeps the contract's 400. And the one-time confirmation after a
// change, and the second tab of a bind.
import { attemptsAtKey } from "@/lib/accounts/throttle.ts";
import { smsCodeGuessesKey } from "@/lib/sms/codes.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { FORM_STATE_TTL_S, KEPT_PER_CLIENT } from "@/lib/http/form_states.ts";
import { messages } from "@/lib/messages.ts";
import { listKv, type TestApp, testApp } from "@/tests/_app.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const MOBILE = "13800138000";
const PASSWORD = "secret123";
const NEW_PASSWORD = "newsecret456";
/** What Chrome, Firefox and Safari send with a form they submit. */
const NAVIGATE = { "sec-fetch-mode": "navigate" };

/** A test app for one story, closed after it however it ends. */
async function withApp(
  story: (app: TestApp) => Promise<void>,
  env: Record<string, string> = {},
) {
  const app = await testApp({ SMS_CAPTCHA: "off", ...env });
  try {
    await story(app);
  } finally {
    app.close();
  }
}

/** A browser logged in to a new account of MOBILE. */
async function registered(app: TestApp): Promise<TestBrowser> {
  const browser = await testBrowser(app);
  const sms_code = await browser.smsCode(app, MOBILE);
  const response = await browser.post("/register", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(response.status, 303);
  return browser;
}

async function shown(response: Response): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of (await response.clone().text()).matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

/** Every kept form in the KV, as JSON: what a leak of the store would show. */
const keptRows = async (app: TestApp) =>
  JSON.stringify(await listKv(app.kv, ["form_states"]));

/** The 303 a browser's refused post gets, to `page` with the kept form's id. */
function assertKeptAt(response: Response, page: string): string {
  equal(response.status, 303);
  const location = response.headers.get("location") ?? "";
  const [path, id] = location.split(/[?&]form=/);
  equal(path, page);
  match(id, /^[\w-]{22}$/);
  return location;
}

Deno.test("a browser's refused login is shown again by reload, without another attempt", (t) =>
  withApp(async (app) => {
    const browser = await registered(app);
    await browser.post("/logout");
    let page = "";

    await t.step(
      "the post answers 303 to the login page, the form kept",
      async () => {
        const response = await browser.post("/login?next=/cart", {
          username: MOBILE,
          password: "wrongpass1",
        }, NAVIGATE);
        page = assertKeptAt(response, "/login?next=%2Fcart");
        match(
          response.headers.getSetCookie().find((c) =>
            c.startsWith("form_states=")
          )!,
          /HttpOnly/,
        );
      },
    );

    await t.step(
      "the page shows the message with 400, the username kept; reloading it shows it again",
      async () => {
        for (let reload = 0; reload < 3; reload++) {
          const response = await browser.get(page);
          equal(response.status, 400);
          equal(response.headers.get("cache-control"), "no-store");
          deepEqual(await shown(response), {
            account: messages.wrongCredentials,
          });
          match(
            await response.text(),
            /name="username"[^>]*value="13800138000"/,
          );
        }
        equal(
          (await listKv(app.kv, attemptsAtKey(app.kv, MOBILE))).length,
          1,
          "one attempt, however often the page is shown",
        );
      },
    );

    await t.step("the kept form holds no password", async () => {
      ok(!(await keptRows(app)).includes("wrongpass1"));
    });

    await t.step(
      "another browser with the same address sees the empty form",
      async () => {
        const response = await (await anotherBrowser()).get(page);
        equal(response.status, 200);
        deepEqual(await shown(response), {});
      },
    );

    await t.step(
      "logged in since, the page is no longer the refusal",
      async () => {
        const login = await browser.post("/login", {
          username: MOBILE,
          password: PASSWORD,
        }, NAVIGATE);
        equal(login.status, 303);
        const response = await browser.get(page);
        equal(response.status, 200);
        match(await response.text(), /您已登录/);
      },
    );

    await t.step("after 10 minutes the page is the empty form", async () => {
      await browser.post("/logout");
      const refused = await browser.post("/login", {
        username: MOBILE,
        password: "wrongpass2",
      }, NAVIGATE);
      const again = refused.headers.get("location")!;
      equal((await browser.get(again)).status, 400);
      app.clock.now += FORM_STATE_TTL_S * 1000;
      equal((await browser.get(again)).status, 200);
    });
  }));

Deno.test("a script's refused post keeps the contract's answer: 400 and the form", () =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const response = await browser.post("/login", {
      username: MOBILE,
      password: "wrongpass1",
    });
    equal(response.status, 400);
    deepEqual(await shown(response), { account: messages.wrongCredentials });
    equal(await keptRows(app), "[]");
  }));

Deno.test("one address keeps at most 100 forms in 10 minutes, then is answered in place", () =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    for (let i = 0; i < KEPT_PER_CLIENT; i++) {
      const response = await browser.post("/register", {}, NAVIGATE);
      equal(response.status, 303, `form ${i + 1}`);
    }
    const past = await browser.post("/register", {}, NAVIGATE);
    equal(past.status, 400);
    deepEqual(await shown(past), {
      mobile: messages.mobileMissing,
      password: messages.passwordMissing,
      sms_code: messages.smsCodeMissing,
      form: messages.missingFields,
    });
    equal((await listKv(app.kv, ["form_states"])).length, KEPT_PER_CLIENT);
    app.clock.now += FORM_STATE_TTL_S * 1000;
    equal((await browser.post("/register", {}, NAVIGATE)).status, 303);
  }));

Deno.test("a browser's refused bind: reloading the bind page shows it again and spends no try of the code", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
    const sms_code = await browser.smsCode(app, MOBILE);
    const wrong = sms_code === "000000" ? "111111" : "000000";
    let page = "";

    await t.step("a wrong code: 303 to the bind page", async () => {
      const response = await browser.post("/oauth_callback", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: wrong,
        allow: "on",
        access_token: token,
      }, NAVIGATE);
      page = assertKeptAt(response, "/oauth_callback");
      equal(response.headers.get("cache-control"), "no-store");
    });

    await t.step(
      "each reload: the form, its message, the mobile and who is binding",
      async () => {
        for (let reload = 0; reload < 3; reload++) {
          const response = await browser.get(page);
          equal(response.status, 400);
          deepEqual(await shown(response), {
            sms_code: messages.smsCodeWrong,
          });
          const html = await response.text();
          match(html, /name="mobile"[^>]*value="13800138000"/);
          equal(bindTokenIn(html), token);
          match(html, /小明/);
        }
        equal(
          (await app.kv.get(smsCodeGuessesKey(app.kv, MOBILE, "signup"))).value,
          1,
          "the wrong code took one try, the reloads none",
        );
      },
    );

    await t.step("the kept form holds neither password nor token", async () => {
      const rows = await keptRows(app);
      ok(!rows.includes(PASSWORD));
      ok(!rows.includes(token));
    });

    await t.step("the right code then binds", async () => {
      const response = await browser.post("/oauth_callback", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code,
        allow: "on",
        access_token: token,
      }, NAVIGATE);
      equal(response.status, 303);
      equal(response.headers.get("location"), "/");
    });
  }));

Deno.test("a bind form posted in a second tab after the first bound says the QQ is bound and offers the way on", (t) =>
  withApp(async (app) => {
    const browser = await testBrowser(app);
    const token = bindTokenIn(
      await (await browser.qqLogin(XIAOMING, "/cart")).text(),
    );
    const sms_code = await browser.smsCode(app, MOBILE);
    const form = {
      mobile: MOBILE,
      password: PASSWORD,
      sms_code,
      allow: "on",
      access_token: token,
    };
    const first = await browser.post("/oauth_callback", form, NAVIGATE);
    equal(first.status, 303);

    await t.step(
      "the second tab's post: not 无效的短信验证码, but bound, with 继续 to next",
      async () => {
        const second = await browser.post("/oauth_callback", form, NAVIGATE);
        const page = assertKeptAt(second, "/oauth_callback");
        const response = await browser.get(page);
        equal(response.status, 200);
        const html = await response.text();
        deepEqual(await shown(new Response(html)), {});
        match(html, /绑定成功/);
        match(html, /您的QQ已绑定美多商城账号 138\*{4}8000/);
        match(html, /<a class="button primary" href="\/cart">继续<\/a>/);
      },
    );

    await t.step(
      "a script posting it again gets the contract's answer",
      async () => {
        const response = await browser.post("/oauth_callback", form);
        equal(response.status, 400);
        deepEqual(await shown(response), {
          sms_code: messages.smsCodeInvalid,
        });
      },
    );
  }));

/** The account forms, each refused once by a browser: 303 to its own page, which shows the message. */
const ACCOUNT_FORMS: [
  string,
  Record<string, string>,
  Record<string, string>,
][] = [
  [
    "/account/password",
    { old_password: "wrongpass1", password: NEW_PASSWORD },
    {
      old_password: messages.oldPasswordWrong,
    },
  ],
  ["/account/mobile", {
    password: PASSWORD,
    mobile: "13900139000",
    sms_code: "123456",
  }, { sms_code: messages.smsCodeInvalid }],
  ["/account/delete", { password: "wrongpass1", sms_code: "123456" }, {
    password: messages.passwordWrong,
  }],
];

for (const [path, fields, expected] of ACCOUNT_FORMS) {
  Deno.test(`${path}: a browser's refused post is shown again by its page`, () =>
    withApp(async (app) => {
      const browser = await registered(app);
      const response = await browser.post(path, fields, NAVIGATE);
      const page = assertKeptAt(response, path);
      for (let reload = 0; reload < 2; reload++) {
        const shownAgain = await browser.get(page);
        equal(shownAgain.status, 400);
        deepEqual(await shown(shownAgain), expected);
      }
      const rows = await keptRows(app);
      ok(!rows.includes(PASSWORD) && !rows.includes("wrongpass1"));
    }));
}

Deno.test("register and reset: a browser's refused post is shown again by its page", async (t) => {
  for (const path of ["/register", "/password/reset"]) {
    await t.step(path, () =>
      withApp(async (app) => {
        const browser = await testBrowser(app);
        const response = await browser.post(path, {
          mobile: MOBILE,
          password: PASSWORD,
          sms_code: "123456",
          allow: "on",
        }, NAVIGATE);
        const page = assertKeptAt(response, path);
        const again = await browser.get(page);
        equal(again.status, 400);
        deepEqual(await shown(again), { sms_code: messages.smsCodeInvalid });
        match(await again.text(), /name="mobile"[^>]*value="13800138000"/);
        ok(!(await keptRows(app)).includes(PASSWORD));
      }));
  }
});

Deno.test("each change is confirmed once, on the next page", async (t) => {
  const flashOf = async (response: Response) =>
    (await response.text()).match(/<p class="flash" role="status">([^<]*)</)
      ?.[1] ?? null;

  await t.step("密码已修改, then never again", () =>
    withApp(async (app) => {
      const browser = await registered(app);
      const changed = await browser.post("/account/password", {
        old_password: PASSWORD,
        password: NEW_PASSWORD,
      });
      equal(changed.headers.get("location"), "/account");
      equal(await flashOf(await browser.get("/account")), "密码已修改");
      equal(await flashOf(await browser.get("/account")), null);
    }));

  await t.step("手机号已更换", () =>
    withApp(async (app) => {
      const browser = await registered(app);
      const sms_code = await browser.smsCode(app, "13900139000", {
        purpose: "change_mobile",
      });
      const changed = await browser.post("/account/mobile", {
        password: PASSWORD,
        mobile: "13900139000",
        sms_code,
      });
      equal(changed.status, 303);
      equal(await flashOf(await browser.get("/account")), "手机号已更换");
    }));

  await t.step("已退出登录", () =>
    withApp(async (app) => {
      const browser = await registered(app);
      const out = await browser.post("/logout");
      equal(out.headers.get("location"), "/");
      equal(await flashOf(await browser.get("/")), "已退出登录");
      equal(await flashOf(await browser.get("/")), null);
    }));

  await t.step("账号已注销", () =>
    withApp(async (app) => {
      const browser = await registered(app);
      const sms_code = await browser.smsCode(app, MOBILE, {
        purpose: "delete_account",
      });
      const deleted = await browser.post("/account/delete", {
        password: PASSWORD,
        sms_code,
      });
      equal(deleted.headers.get("location"), "/");
      equal(await flashOf(await browser.get("/")), "账号已注销");
    }));

  await t.step("密码已重置", () =>
    withApp(async (app) => {
      await registered(app);
      const browser = await anotherBrowser();
      const sms_code = await browser.smsCode(app, MOBILE, {
        purpose: "reset_password",
      });
      const reset = await browser.post("/password/reset", {
        mobile: MOBILE,
        password: NEW_PASSWORD,
        sms_code,
      });
      equal(reset.headers.get("location"), "/account");
      equal(await flashOf(await browser.get("/account")), "密码已重置");
    }));

  await t.step(
    "no link or cookie makes a page say anything else",
    () =>
      withApp(async (app) => {
        const browser = await testBrowser(app);
        equal(
          await flashOf(await browser.get("/?flash=password_changed")),
          null,
        );
        for (const forged of ["<b>中奖了</b>", "constructor", "__proto__"]) {
          browser.cookies.set("flash", encodeURIComponent(forged));
          const html = await (await browser.get("/")).text();
          ok(!html.includes('class="flash"'), forged);
          ok(!html.includes("中奖了"));
        }
      }),
  );
});
