// Each provider's login, bind page, bind, connect and unbind through the app's handler, with a cookie
// jar per browser: the same stories for QQ, WeChat and Weibo.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { messages, providerMessages } from "@/lib/messages.ts";
import { findBinding, findBindingsOfUser } from "@/lib/social/bindings.ts";
import type { Provider } from "@/lib/social/provider.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import {
  newIdentity,
  presets,
  type TestIdentity,
} from "@/tests/_identities.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
} from "./_browser.ts";

const PASSWORD = "secret123";

for (const provider of PROVIDERS) loginStories(provider);

function loginStories(provider: Provider) {
  const said = providerMessages(provider.name);
  const callback = provider.callbackPath;
  const [first, second] = presets(provider.id);

  /** Starts a login with `identity` and brings back the provider's callback URL, not yet visited. */
  async function toCallback(
    browser: TestBrowser,
    identity: TestIdentity,
    next = "/",
  ): Promise<string> {
    const start = await browser.get(
      `/oauth/${provider.id}/login?next=${encodeURIComponent(next)}`,
    );
    equal(start.status, 302);
    const authorize = new URL(start.headers.get("location")!);
    const granted = await browser.post(
      authorize.pathname + authorize.search,
      identity.form,
    );
    equal(granted.status, 302, await granted.text());
    const url = new URL(granted.headers.get("location")!);
    equal(url.pathname, callback);
    return url.pathname + url.search;
  }

  async function bind(
    app: TestApp,
    browser: TestBrowser,
    token: string,
    mobile: string,
  ) {
    return await browser.post(callback, {
      mobile,
      password: PASSWORD,
      sms_code: await browser.smsCode(app, mobile),
      allow: "on",
      access_token: token,
    });
  }

  /** A browser logged in as a new account of `mobile`, registered with a password. */
  async function registered(app: TestApp, mobile: string) {
    const browser = await anotherBrowser();
    const sms_code = await browser.smsCode(app, mobile);
    const response = await browser.post("/register", {
      mobile,
      password: PASSWORD,
      sms_code,
      allow: "on",
    });
    equal(response.status, 303);
    return browser;
  }

  Deno.test(`${provider.name}: the bind page follows post-redirect-get`, async (t) => {
    const app = await testApp();
    const browser = await testBrowser(app);
    const providerCalls = { count: 0 };
    const fetch = app.fetch;
    app.fetch = (input, init) => {
      providerCalls.count++;
      return fetch(input, init);
    };
    let callbackUrl = "";
    let token = "";

    await t.step(
      "the callback answers 303 to the bind page, with this browser's pending bind in a cookie",
      async () => {
        callbackUrl = await toCallback(browser, first, "/orders");
        const response = await browser.get(callbackUrl);
        equal(response.status, 303);
        equal(response.headers.get("location"), callback);
        equal(response.headers.get("cache-control"), "no-store");
        const cookie = response.headers.getSetCookie().find((c) =>
          c.startsWith(`bind_${provider.id}=`)
        );
        ok(cookie, "the pending bind's cookie");
        match(cookie, /HttpOnly/);
        match(cookie, /Path=\//);
        match(cookie, /Max-Age=600/);
      },
    );

    await t.step(
      "the bind page shows the form, saying who is binding",
      async () => {
        const response = await browser.get(callback);
        equal(response.status, 200);
        equal(response.headers.get("cache-control"), "no-store");
        const html = await response.text();
        token = bindTokenIn(html);
        match(
          html,
          new RegExp(`${first.nickname}，您已通过${provider.name}登录`),
        );
        match(html, new RegExp(`<form\\s+method="post" action="${callback}"`));
        ok(!html.includes(first.uid), "the identity's key is not on the page");
      },
    );

    await t.step(
      "reloading shows the same form and never trades the code again",
      async () => {
        const calls = providerCalls.count;
        for (let reload = 0; reload < 3; reload++) {
          const again = await browser.get(callback);
          equal(again.status, 200);
          equal(bindTokenIn(await again.text()), token);
        }
        equal(providerCalls.count, calls, "no call to the provider");
      },
    );

    await t.step("the callback URL itself stays single-use: 400", async () => {
      const replay = await browser.get(callbackUrl);
      equal(replay.status, 400);
      match(await replay.text(), new RegExp(said.stateInvalid));
      equal((await browser.get(callback)).status, 200, "the bind still waits");
    });

    await t.step(
      "a failed bind keeps the nickname, the mobile and the message in place",
      async () => {
        const response = await browser.post(callback, {
          mobile: "13800138000",
          password: PASSWORD,
          sms_code: "123456",
          allow: "on",
          access_token: token,
        });
        equal(response.status, 400);
        equal(response.headers.get("cache-control"), "no-store");
        const html = await response.text();
        match(
          html,
          new RegExp(`data-field="sms_code"[^>]*>${messages.smsCodeInvalid}`),
        );
        match(html, new RegExp(`${first.nickname}，您已通过`));
        match(html, /name="mobile"[^>]*value="13800138000"/);
        equal(bindTokenIn(html), token);
      },
    );

    await t.step(
      "the token is no good from another browser: 无效的openid",
      async () => {
        const stranger = await anotherBrowser();
        const response = await bind(app, stranger, token, "13900139000");
        equal(response.status, 400);
        match(await response.text(), new RegExp(messages.bindTokenInvalid));
      },
    );

    await t.step(
      "the bind goes to next, and the bind page then says 绑定成功",
      async () => {
        const response = await bind(app, browser, token, "13800138000");
        equal(response.status, 303);
        equal(response.headers.get("location"), "/orders");
        const user = (await findUserByMobile(app.kv, "13800138000")).user!;
        equal(
          (await findBinding(app.kv, provider.id, first.uid)).binding?.userId,
          user.id,
        );
        const after = await browser.get(callback);
        equal(after.status, 200);
        const html = await after.text();
        match(html, new RegExp(`<h1>${messages.bound}</h1>`));
        // The account, masked: the bind page is not where the number is typed any more.
        match(html, /138\*\*\*\*8000/);
        ok(!html.includes("13800138000"));
        match(html, /href="\/orders"/);
        ok(!html.includes('name="access_token"'), "no form to post again");
        const twice = await bind(app, browser, token, "13700137000");
        equal(twice.status, 400, "a used token binds nothing");
        match(await twice.text(), new RegExp(messages.bindTokenInvalid));
      },
    );

    await t.step(
      "a browser with no pending bind gets 400 and a way to start again",
      async () => {
        const response = await (await anotherBrowser()).get(callback);
        equal(response.status, 400);
        const html = await response.text();
        match(html, new RegExp(said.bindExpired));
        match(
          html,
          new RegExp(
            `href="/oauth/${provider.id}/login"[^>]*>${said.loginAgain}<`,
          ),
        );
      },
    );

    await t.step("after ten minutes the pending bind is gone", async () => {
      const late = await anotherBrowser();
      await late.bindPageAfter(await late.get(await toCallback(late, second)));
      equal((await late.get(callback)).status, 200);
      app.clock.now += 601_000;
      equal((await late.get(callback)).status, 400);
    });

    app.close();
  });

  Deno.test(`${provider.name}: two logins started in two tabs of one browser both finish`, async () => {
    const app = await testApp();
    const browser = await testBrowser(app);
    const [one, two] = [
      newIdentity(provider.id, "一号"),
      newIdentity(provider.id, "二号"),
    ];
    // Both tabs set off before either comes back: two states, neither overwriting the other.
    const firstCallback = await toCallback(browser, one);
    const secondCallback = await toCallback(browser, two);
    const firstForm = await browser.bindPageAfter(
      await browser.get(firstCallback),
    );
    equal(firstForm.status, 200);
    const firstToken = bindTokenIn(await firstForm.text());
    const secondForm = await browser.bindPageAfter(
      await browser.get(secondCallback),
    );
    equal(secondForm.status, 200);
    const secondToken = bindTokenIn(await secondForm.text());
    ok(firstToken !== secondToken);
    // Each tab's form binds its own identity.
    equal((await bind(app, browser, firstToken, "13800000001")).status, 303);
    equal((await bind(app, browser, secondToken, "13800000002")).status, 303);
    equal(
      (await findBinding(app.kv, provider.id, one.uid)).binding?.userId,
      (await findUserByMobile(app.kv, "13800000001")).user?.id,
    );
    equal(
      (await findBinding(app.kv, provider.id, two.uid)).binding?.userId,
      (await findUserByMobile(app.kv, "13800000002")).user?.id,
    );
    app.close();
  });

  Deno.test(`${provider.name}: a login from a logged-in browser connects, and never switches accounts`, async (t) => {
    const app = await testApp();
    await testBrowser(app);
    const owner = await registered(app, "13600000001");
    const other = await registered(app, "13600000002");
    const identity = newIdentity(provider.id, "连接者");

    await t.step(
      "an unbound identity is bound at once, no form, and lands on next",
      async () => {
        const response = await owner.get(
          await toCallback(owner, identity, "/account"),
        );
        equal(response.status, 303);
        equal(response.headers.get("location"), "/account");
        const user = (await findUserByMobile(app.kv, "13600000001")).user!;
        equal(
          (await findBinding(app.kv, provider.id, identity.uid)).binding
            ?.userId,
          user.id,
        );
        const page = await (await owner.get("/account")).text();
        match(page, new RegExp(`data-field="${provider.id}">已绑定（连接者）`));
      },
    );

    await t.step(
      `an identity bound to another account: 400 ${said.identityBound}, still logged in as itself`,
      async () => {
        const response = await other.get(
          await toCallback(other, identity, "/account"),
        );
        equal(response.status, 400);
        match(await response.text(), new RegExp(said.identityBound));
        const page = await (await other.get("/account")).text();
        match(page, /data-field="username">136\*\*\*\*0002</);
        const user = (await findUserByMobile(app.kv, "13600000002")).user!;
        equal(
          (await findBindingsOfUser(app.kv, user.id)).has(provider.id),
          false,
        );
      },
    );

    await t.step(
      `an account that has one already: 400 ${said.accountBound}`,
      async () => {
        const another = newIdentity(provider.id, "第二个");
        const response = await owner.get(await toCallback(owner, another));
        equal(response.status, 400);
        match(await response.text(), new RegExp(said.accountBound));
        equal(
          (await findBinding(app.kv, provider.id, another.uid)).binding,
          null,
        );
      },
    );

    await t.step(
      "the account's own identity again just lands on next",
      async () => {
        const response = await owner.get(
          await toCallback(owner, identity, "/cart"),
        );
        equal(response.status, 303);
        equal(response.headers.get("location"), "/cart");
      },
    );

    await t.step(
      "unbinding asks first, then removes only that provider's binding",
      async () => {
        const confirm = await owner.get(`/account/${provider.id}/unbind`);
        equal(confirm.status, 200);
        match(
          await confirm.text(),
          new RegExp(`确定要解除${provider.name}（连接者）与本账号的绑定吗`),
        );
        const unbind = await owner.post(`/account/${provider.id}/unbind`);
        equal(unbind.status, 303);
        equal(unbind.headers.get("location"), "/account");
        equal(
          (await findBinding(app.kv, provider.id, identity.uid)).binding,
          null,
        );
        // Unbound, the identity is free for the other account.
        const response = await other.get(await toCallback(other, identity));
        equal(response.status, 303);
      },
    );

    app.close();
  });

  Deno.test(`${provider.name}: the callback refuses what is not this browser's, and says when the provider fails`, async (t) => {
    const app = await testApp();
    const browser = await testBrowser(app);

    await t.step(
      `a state from another browser: 400 ${said.loginFailed}`,
      async () => {
        const url = await toCallback(browser, first);
        const response = await (await anotherBrowser()).get(url);
        equal(response.status, 400);
        const html = await response.text();
        match(html, new RegExp(`<h1>${said.loginFailed}</h1>`));
        match(html, new RegExp(said.loginAgain));
      },
    );

    await t.step("a state of another provider's login: 400", async () => {
      const other = PROVIDERS.find(({ id }) => id !== provider.id)!;
      const start = await browser.get(`/oauth/${other.id}/login`);
      const state = new URL(start.headers.get("location")!).searchParams.get(
        "state",
      );
      equal(
        (await browser.get(`${callback}?code=abc&state=${state}`)).status,
        400,
      );
    });

    await t.step(
      `the provider refusing the code: 502 ${said.unavailable}`,
      async () => {
        const start = await browser.get(`/oauth/${provider.id}/login`);
        const state = new URL(start.headers.get("location")!).searchParams.get(
          "state",
        );
        const response = await browser.get(
          `${callback}?code=NOT-A-CODE&state=${state}`,
        );
        equal(response.status, 502);
        match(await response.text(), new RegExp(said.unavailable));
      },
    );

    await t.step("the provider not answering at all: 502", async () => {
      const working = app.fetch;
      app.fetch = () => Promise.reject(new TypeError("connection refused"));
      const start = await browser.get(`/oauth/${provider.id}/login`);
      const state = new URL(start.headers.get("location")!).searchParams.get(
        "state",
      );
      const response = await browser.get(`${callback}?code=abc&state=${state}`);
      equal(response.status, 502);
      match(await response.text(), new RegExp(said.network));
      app.fetch = working;
    });

    app.close();
  });
}

Deno.test("the authorize URLs are the contract's, on the configured origin", async (t) => {
  const app = await testApp({ PUBLIC_ORIGIN: "https://shop.example" });
  const browser = await testBrowser(app);
  const location = async (path: string, host?: string) => {
    // A request that reached the server under another name: its URL (and Host) is that name.
    const response = await browser.get(
      host ? `http://${host}${path}` : path,
      host ? { host } : {},
    );
    equal(response.status, 302);
    return new URL(response.headers.get("location")!);
  };

  await t.step(
    "WeChat: qrconnect with snsapi_login and #wechat_redirect",
    async () => {
      const url = await location("/oauth/wechat/login?next=/cart");
      equal(
        url.origin + url.pathname,
        "https://shop.example/dev/wechat/connect/qrconnect",
      );
      deepEqual([...url.searchParams.keys()], [
        "appid",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
      ]);
      equal(
        url.searchParams.get("redirect_uri"),
        "https://shop.example/oauth/wechat/callback",
      );
      equal(url.searchParams.get("response_type"), "code");
      equal(url.searchParams.get("scope"), "snsapi_login");
      equal(url.hash, "#wechat_redirect");
    },
  );

  await t.step("Weibo: oauth2/authorize with response_type=code", async () => {
    const url = await location("/oauth/weibo/login");
    equal(
      url.origin + url.pathname,
      "https://shop.example/dev/weibo/oauth2/authorize",
    );
    deepEqual([...url.searchParams.keys()], [
      "client_id",
      "redirect_uri",
      "response_type",
      "state",
    ]);
    equal(
      url.searchParams.get("redirect_uri"),
      "https://shop.example/oauth/weibo/callback",
    );
  });

  await t.step(
    "a forged Host header changes no URL the app makes",
    async () => {
      for (
        const path of [
          "/oauth/qq/login",
          "/oauth/wechat/login",
          "/oauth/weibo/login",
        ]
      ) {
        const url = await location(path, "evil.example");
        equal(url.origin, "https://shop.example", path);
        ok(
          url.searchParams.get("redirect_uri")!.startsWith(
            "https://shop.example/",
          ),
          path,
        );
      }
    },
  );

  app.close();
});

Deno.test("production offers WeChat and Weibo only with their credentials, and never the simulators", async () => {
  const { PRODUCTION_ENV } = await import("@/tests/_app.ts");
  const app = await testApp({ ...PRODUCTION_ENV });
  const browser = await testBrowser(app);
  for (
    const path of [
      "/oauth/wechat/login",
      "/oauth/weibo/login",
      "/oauth/wechat/callback",
      "/oauth/weibo/callback?code=a&state=b",
      "/dev/qq/oauth2.0/authorize",
      "/dev/wechat/connect/qrconnect",
      "/dev/weibo/oauth2/authorize",
    ]
  ) {
    const response = await browser.get(path);
    equal(response.status, 404, path);
    await response.body?.cancel();
  }
  const qq = await browser.get("/oauth/qq/login");
  equal(qq.status, 302);
  equal(new URL(qq.headers.get("location")!).origin, "https://graph.qq.com");
  app.close();
});

Deno.test("the home, login and register pages offer every provider the shop offers", async (t) => {
  const links = (html: string) =>
    [...html.matchAll(/<a class="button (\w+)" href="\/oauth\/(\w+)\/login/g)]
      .map(([, cls, id]) => cls === id ? id : `${cls}≠${id}`);

  await t.step(
    "in development, all three through their simulators",
    async () => {
      const app = await testApp();
      const browser = await testBrowser(app);
      for (const page of ["/", "/login", "/register"]) {
        const html = await (await browser.get(page)).text();
        deepEqual(links(html), ["qq", "wechat", "weibo"], page);
        match(html, />微信登录</);
      }
      app.close();
    },
  );

  await t.step("in production, only those with their credentials", async () => {
    const { PRODUCTION_ENV } = await import("@/tests/_app.ts");
    const app = await testApp({
      ...PRODUCTION_ENV,
      WEIBO_CLIENT_ID: "3712345678",
      WEIBO_CLIENT_SECRET: "weibo-secret",
    });
    const browser = await testBrowser(app);
    deepEqual(links(await (await browser.get("/login")).text()), [
      "qq",
      "weibo",
    ]);
    app.close();
  });
});

Deno.test("WeChat: an identity whose openid is someone's unionid is not that person", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const owner = newIdentity("wechat", "有unionid的人");
  const unionid = owner.form.unionid;
  const mobile = "13700137001";

  await t.step(
    "the owner binds the WeChat account that has the unionid",
    async () => {
      const page = await browser.login(owner);
      equal(page.status, 200);
      const bound = await browser.post("/oauth/wechat/callback", {
        mobile,
        password: PASSWORD,
        sms_code: await browser.smsCode(app, mobile),
        allow: "on",
        access_token: bindTokenIn(await page.text()),
      });
      equal(bound.status, 303);
    },
  );

  await t.step(
    "an identity with no unionid and that string as its openid is asked to bind, not logged in",
    async () => {
      const stranger = await anotherBrowser();
      const answer = await stranger.login({
        provider: "wechat",
        form: { openid: unionid, unionid: "", nickname: "冒名者" },
        uid: `openid:${unionid}`,
        nickname: "冒名者",
      });
      equal(answer.status, 200);
      bindTokenIn(await answer.text());
      equal(stranger.cookies.has("session"), false);
      const home = await (await stranger.get("/")).text();
      ok(
        !home.includes(mobile.slice(7)),
        "the stranger sees the owner's account",
      );
    },
  );

  await t.step("the owner still logs in with the unionid", async () => {
    const again = await anotherBrowser();
    const answer = await again.login(owner);
    equal(answer.status, 303);
    ok(again.cookies.has("session"));
  });
  app.close();
});
