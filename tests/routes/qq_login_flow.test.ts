import { deepEqual, equal, match, ok } from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { OAUTH_STATES_PER_CLIENT } from "@/lib/social/states.ts";
import { listKv, testApp } from "@/tests/_app.ts";
import {
  anotherBrowser,
  bindTokenIn,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const PASSWORD = "secret123";

Deno.test("QQ login, bind, account, unbind, and QQ login again", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13800138000";
  let token = "";

  await t.step(
    "QQ login sends the browser to QQ with a state tied to it",
    async () => {
      const response = await browser.get("/oauth/qq/login?next=/orders");
      equal(response.status, 302);
      const location = new URL(response.headers.get("location")!);
      equal(location.pathname, "/dev/qq/oauth2.0/authorize");
      equal(location.searchParams.get("response_type"), "code");
      equal(
        location.searchParams.get("redirect_uri"),
        "http://localhost:8000/oauth_callback",
      );
      const state = location.searchParams.get("state")!;
      equal(state.length, 22);
      const cookie = response.headers.getSetCookie().find((c) =>
        c.startsWith(`oauth_state_${state.slice(0, 8)}=${state};`)
      )!;
      match(cookie, /HttpOnly/);
      match(cookie, /SameSite=Lax/);
      match(cookie, /Max-Age=600/);
    },
  );

  await t.step("an unbound openid gets the bind form", async () => {
    const stateCookies = () =>
      [...browser.cookies.keys()].filter((name) =>
        name.startsWith("oauth_state_")
      );
    const before = stateCookies();
    const response = await browser.qqLogin(XIAOMING, "/orders");
    equal(response.status, 200);
    const html = await response.text();
    token = bindTokenIn(html);
    ok(
      !html.includes(XIAOMING.openid),
      "the openid is not on the page, the avatar's URL included",
    );
    match(
      html,
      /<img class="avatar" src="http:\/\/localhost:8000\/dev\/qq\/avatar\/[0-9a-f]{32}"/,
    );
    ok(html.includes(XIAOMING.nickname));
    deepEqual(stateCookies(), before, "this login's state cookie is spent");
  });

  await t.step(
    "a wrong bind re-renders the form with 400, the message in place and the mobile kept",
    async () => {
      const response = await browser.post("/oauth_callback", {
        mobile,
        password: PASSWORD,
        sms_code: "123456",
        allow: "on",
        access_token: token,
      });
      equal(response.status, 400);
      const html = await response.text();
      match(
        html,
        new RegExp(`data-field="sms_code"[^>]*>${messages.smsCodeInvalid}`),
      );
      match(html, new RegExp(`name="mobile"[^>]*value="${mobile}"`));
      equal(bindTokenIn(html), token, "the token stays for the next try");
    },
  );

  await t.step(
    "the bind logs in, sets the cookies, and goes to next",
    async () => {
      const sms_code = await browser.smsCode(app, mobile);
      const response = await browser.post("/oauth_callback", {
        mobile,
        password: PASSWORD,
        sms_code,
        allow: "on",
        access_token: token,
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/orders");
      const cookies = response.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith("session="))!;
      match(session, /HttpOnly/);
      match(session, /SameSite=Lax/);
      match(session, /Path=\//);
      ok(!/Secure/.test(session), "no Secure flag outside production");
      const username = cookies.find((c) => c.startsWith("username="))!;
      match(username, new RegExp(`^username=${mobile};`));
      match(username, /Max-Age=1296000/);
      ok(!/HttpOnly/.test(username), "scripts may read the username");
    },
  );

  await t.step("the account page shows the user and the binding", async () => {
    const response = await browser.get("/account");
    equal(response.status, 200);
    const html = await response.text();
    const masked = maskMobile(mobile).replaceAll("*", "\\*");
    match(html, new RegExp(`data-field="username">${masked}<`));
    match(html, /已绑定/);
  });

  await t.step("the same bind token cannot be used twice", async () => {
    const other = "13900139000";
    const sms_code = await browser.smsCode(app, other);
    const response = await browser.post("/oauth_callback", {
      mobile: other,
      password: PASSWORD,
      sms_code,
      allow: "on",
      access_token: token,
    });
    equal(response.status, 400);
    match(await response.text(), new RegExp(messages.bindTokenInvalid));
  });

  await t.step(
    "a QQ login with the bound openid logs straight in",
    async () => {
      const fresh = await anotherBrowser();
      const response = await fresh.qqLogin(XIAOMING, "/cart");
      equal(response.status, 303);
      equal(response.headers.get("location"), "/cart");
      ok(fresh.cookies.has("session"));
    },
  );

  await t.step(
    "unbinding asks first, removes the binding, and QQ login asks to bind again",
    async () => {
      const confirm = await browser.get("/account/qq/unbind");
      equal(confirm.status, 200);
      const page = await confirm.text();
      match(page, /确定要解除QQ（小明）与本账号的绑定吗/);
      match(page, /<form\s+method="post" action="\/account\/qq\/unbind"/);
      const unbind = await browser.post("/account/qq/unbind");
      equal(unbind.status, 303);
      equal(unbind.headers.get("location"), "/account");
      match(await (await browser.get("/account")).text(), /未绑定/);
      const confirmAgain = await browser.get("/account/qq/unbind");
      equal(confirmAgain.status, 303, "nothing left to unbind");
      const again = await (await anotherBrowser()).qqLogin(XIAOMING);
      equal(again.status, 200);
      bindTokenIn(await again.text());
    },
  );

  await t.step("every step is in the audit trail", async () => {
    const actions = (await listKv(app.kv, ["audit"])).map(([, value]) =>
      (value as { action: string }).action
    );
    for (const action of ["social_login", "bind", "unbind"]) {
      ok(actions.includes(action), action);
    }
  });

  app.close();
});

Deno.test("the OAuth callback refuses states that are not this browser's", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);

  await t.step("a replayed state gets 400", async () => {
    const start = await browser.get("/oauth/qq/login");
    const authorize = new URL(start.headers.get("location")!);
    const granted = await browser.post(authorize.pathname + authorize.search, {
      ...PRESET_IDENTITIES[1],
    });
    const callback = new URL(granted.headers.get("location")!);
    const state = callback.searchParams.get("state")!;
    equal((await browser.get(callback.pathname + callback.search)).status, 303);
    const replay = await browser.get(callback.pathname + callback.search, {
      cookie: `oauth_state_${state.slice(0, 8)}=${state}`,
    });
    equal(replay.status, 400);
    match(
      await replay.text(),
      new RegExp(providerMessages("QQ").stateInvalid),
    );
  });

  await t.step("a state from another browser gets 400", async () => {
    const start = await browser.get("/oauth/qq/login");
    const authorize = new URL(start.headers.get("location")!);
    const granted = await browser.post(authorize.pathname + authorize.search, {
      ...PRESET_IDENTITIES[1],
    });
    const callback = new URL(granted.headers.get("location")!);
    const stranger = await anotherBrowser();
    equal(
      (await stranger.get(callback.pathname + callback.search)).status,
      400,
    );
  });

  await t.step("an unknown state, or none, gets 400", async () => {
    equal(
      (await browser.get("/oauth_callback?code=x&state=made-up")).status,
      400,
    );
    const none = await (await anotherBrowser()).get("/oauth_callback");
    equal(none.status, 400, "no bind pending in this browser");
    match(await none.text(), /href="\/oauth\/qq\/login"[^>]*>重新QQ登录</);
  });

  await t.step("QQ refusing the code gets 502 with a clear page", async () => {
    const state = await browser.startQqLogin();
    const response = await browser.get(
      `/oauth_callback?code=NOT-A-CODE&state=${state}`,
    );
    equal(response.status, 502);
    match(await response.text(), /QQ/);
  });

  await t.step("QQ not answering at all gets 502", async () => {
    const working = app.fetch;
    app.fetch = () => Promise.reject(new TypeError("connection refused"));
    const state = await browser.startQqLogin();
    equal(
      (await browser.get(`/oauth_callback?code=abc&state=${state}`)).status,
      502,
    );
    app.fetch = working;
  });

  app.close();
});

Deno.test("next never leaves the site", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
  const sms_code = await browser.smsCode(app, "13700137000");
  await browser.post("/oauth_callback", {
    mobile: "13700137000",
    password: PASSWORD,
    sms_code,
    allow: "on",
    access_token: token,
  });

  for (
    const next of [
      "//evil.example",
      "https://evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/%2F%2Fevil.example",
    ]
  ) {
    await t.step(`${next} lands on /`, async () => {
      const response = await (await anotherBrowser()).qqLogin(XIAOMING, next);
      equal(response.status, 303);
      equal(response.headers.get("location"), "/");
    });
  }

  await t.step(
    "login and register keep only local next values too",
    async () => {
      const login = await browser.post("/login?next=//evil.example", {
        username: "13700137000",
        password: PASSWORD,
      });
      equal(login.headers.get("location"), "/");
      const local = await browser.post("/login?next=/orders", {
        username: "13700137000",
        password: PASSWORD,
      });
      equal(local.headers.get("location"), "/orders");
    },
  );

  app.close();
});

Deno.test("only known providers have login and callback pages", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  for (
    const path of [
      "/oauth/nope/login",
      "/oauth/qq/callback", // QQ's is /oauth_callback
      "/oauth/__proto__/login",
      "/account/nope/unbind",
    ]
  ) {
    const response = await browser.get(path);
    equal(response.status, path.startsWith("/account") ? 303 : 404, path);
    await response.body?.cancel();
  }
  app.close();
});

Deno.test("the account pages send a logged-out browser to log in, and back", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const cases: [string, string, string][] = [
    ["GET", "/account", "/login?next=/account"],
    ["GET", "/account/qq/unbind", "/login?next=/account/qq/unbind"],
    ["POST", "/account/qq/unbind", "/login?next=/account"],
  ];
  for (const [method, path, location] of cases) {
    const response = method === "GET"
      ? await browser.get(path)
      : await browser.post(path);
    equal(response.status, 303, `${method} ${path}`);
    equal(response.headers.get("location"), location, `${method} ${path}`);
  }
  app.close();
});

Deno.test("QQ logins started from one address that keeps no cookie stay within the address's cap", async () => {
  const app = await testApp({ TRUST_PROXY: "true" });
  const browser = await testBrowser(app);
  for (let i = 0; i < OAUTH_STATES_PER_CLIENT + 20; i++) {
    browser.cookies.clear();
    const response = await browser.get("/oauth/qq/login", {
      "x-forwarded-for": "203.0.113.50",
    });
    equal(response.status, 302);
    app.clock.now += 1;
  }
  equal(
    (await listKv(app.kv, ["oauth_states"])).length,
    OAUTH_STATES_PER_CLIENT,
  );
  app.close();
});
