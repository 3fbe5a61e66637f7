// A stolen session cookie must not become permanent access: connecting a provider, unbinding one, the
// mobile change and deletion pages ask for the password given in the last 10 minutes of this session
// (/account/confirm), a connect is told on the account page, and a password reset shows the bindings
// that still log in without the password, each with a way to remove it.
import { equal, match, ok } from "node:assert/strict";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { PROOF_WINDOW_MS } from "@/lib/sessions/recent_proof.ts";
import { findBinding, findBindingsOfUser } from "@/lib/social/bindings.ts";
import { CONNECT_NOTICE_MS } from "@/lib/social/connect.ts";
import type { Provider } from "@/lib/social/provider.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { newIdentity, type TestIdentity } from "@/tests/_identities.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
} from "./_browser.ts";

const PASSWORD = "secret123";
const NEW_PASSWORD = "newsecret456";
const MOBILE = "13800138000";
const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;
const QQ = PROVIDERS.find(({ id }) => id === "qq")!;

/** The owner, registered (a proof at that moment) in their own browser. */
async function owner() {
  const app = await testApp();
  const browser = await testBrowser(app);
  const sms_code = await browser.smsCode(app, MOBILE);
  const response = await browser.post("/register", {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(response.status, 303);
  return { app, browser };
}

/** A browser holding a copy of `browser`'s session cookie, as one that stole it would. */
async function stolenFrom(browser: TestBrowser): Promise<TestBrowser> {
  const thief = await anotherBrowser();
  thief.cookies.set("session", browser.cookies.get("session")!);
  return thief;
}

/** Through `provider`'s simulator as `identity` from a login started at `start`; the callback URL. */
async function providerCallback(
  browser: TestBrowser,
  start: Response,
  identity: TestIdentity,
): Promise<string> {
  equal(start.status, 302);
  const authorize = new URL(start.headers.get("location")!);
  const granted = await browser.post(
    authorize.pathname + authorize.search,
    identity.form,
  );
  equal(granted.status, 302);
  const url = new URL(granted.headers.get("location")!);
  return url.pathname + url.search;
}

const confirmFor = (next: string) =>
  `/account/confirm?next=${encodeURIComponent(next).replaceAll("%2F", "/")}`;

async function userId(app: TestApp): Promise<string> {
  return (await findUserByMobile(app.kv, MOBILE)).user!.id;
}

for (const provider of PROVIDERS) stolenSessionStories(provider);

function stolenSessionStories(provider: Provider) {
  const said = providerMessages(provider.name);
  const login = `/oauth/${provider.id}/login?next=/account`;

  Deno.test(`${provider.name}: a stolen session cannot connect the thief's ${provider.name}, so a reset shuts the thief out`, async (t) => {
    const { app, browser } = await owner();
    app.clock.now += PROOF_WINDOW_MS + MINUTE;
    const thief = await stolenFrom(browser);
    const theirs = newIdentity(provider.id, "小偷");

    await t.step(
      "starting the connect asks for the password first, and starts nothing",
      async () => {
        const response = await thief.get(login);
        equal(response.status, 303);
        equal(response.headers.get("location"), confirmFor(login));
        ok(
          ![...thief.cookies.keys()].some((name) =>
            name.startsWith("oauth_state_")
          ),
          "no login was started",
        );
        equal((await thief.get(confirmFor(login))).status, 200);
      },
    );

    await t.step(
      "a login started logged out and brought back with the cookie binds nothing either",
      async () => {
        const sneaky = await anotherBrowser();
        const callback = await providerCallback(
          sneaky,
          await sneaky.get(login),
          theirs,
        );
        sneaky.cookies.set("session", browser.cookies.get("session")!);
        const response = await sneaky.get(callback);
        equal(response.status, 303);
        equal(response.headers.get("location"), confirmFor(login));
        equal(
          (await findBinding(app.kv, provider.id, theirs.uid)).binding,
          null,
        );
        equal((await findBindingsOfUser(app.kv, await userId(app))).size, 0);
      },
    );

    await t.step(
      `after the owner resets the password, the thief's ${provider.name} does not log in`,
      async () => {
        const phone = await anotherBrowser();
        const sms_code = await phone.smsCode(app, MOBILE, {
          purpose: "reset_password",
        });
        equal(
          (await phone.post("/password/reset", {
            mobile: MOBILE,
            sms_code,
            password: NEW_PASSWORD,
          })).status,
          303,
        );
        equal((await thief.get("/account")).status, 303, "the cookie is dead");
        const again = await anotherBrowser();
        const answer = await again.login(theirs, "/account");
        equal(answer.status, 200, "the bind form, not the owner's account");
        bindTokenIn(await answer.text());
      },
    );

    await t.step(
      `with the password given, the connect goes through and the account page says ${
        said.connected("…")
      }`,
      async () => {
        // The owner's session ended with the reset: a password login is the proof the connect needs.
        equal(
          (await browser.post("/login", {
            username: MOBILE,
            password: NEW_PASSWORD,
          })).status,
          303,
        );
        const mine = newIdentity(provider.id, "本人");
        const response = await browser.login(mine, "/account");
        equal(response.status, 303);
        equal(response.headers.get("location"), "/account");
        const page = await (await browser.get("/account")).text();
        match(page, new RegExp(said.connected("本人")));
        match(
          page,
          new RegExp(
            `data-notice="connect"[^]*?href="/account/${provider.id}/unbind"`,
          ),
        );
      },
    );
    app.close();
  });
}

Deno.test("/account/confirm: the password given again, recorded on this session for 10 minutes", async (t) => {
  const { app, browser } = await owner();
  const other = await anotherBrowser();
  equal(
    (await other.post("/login", { username: MOBILE, password: PASSWORD }))
      .status,
    303,
  );
  app.clock.now += PROOF_WINDOW_MS + MINUTE;

  await t.step("the page asks for the password, and keeps next", async () => {
    const response = await browser.get(confirmFor("/account/mobile"));
    equal(response.status, 200);
    equal(response.headers.get("cache-control"), "no-store");
    const html = await response.text();
    match(html, new RegExp(messages.confirmTitle));
    match(html, /<input[^>]*name="password"[^>]*type="password"/);
    match(html, /name="next" value="\/account\/mobile"/);
  });

  await t.step(
    "a next off the site becomes /; logged out, it asks to log in",
    async () => {
      const html = await (await browser.get(
        "/account/confirm?next=//evil.example",
      )).text();
      match(html, /name="next" value="\/"/);
      const response = await (await anotherBrowser()).get(
        confirmFor("/account/mobile"),
      );
      equal(response.status, 303);
      match(response.headers.get("location")!, /^\/login\?next=/);
    },
  );

  await t.step(
    `a wrong password: 400 ${messages.passwordWrong}, and still no proof`,
    async () => {
      const response = await browser.post(confirmFor("/account/mobile"), {
        password: "wrongpass1",
        next: "/account/mobile",
      });
      equal(response.status, 400);
      match(await response.text(), new RegExp(messages.passwordWrong));
      equal((await browser.get("/account/mobile")).status, 303);
    },
  );

  await t.step(
    "the right one: 303 to next, whose page then opens; 10 minutes later it asks again",
    async () => {
      const response = await browser.post(confirmFor("/account/mobile"), {
        password: PASSWORD,
        next: "/account/mobile",
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account/mobile");
      equal((await browser.get("/account/mobile")).status, 200);
      equal((await browser.get("/account/delete")).status, 200);
      app.clock.now += PROOF_WINDOW_MS;
      const later = await browser.get("/account/delete");
      equal(later.status, 303);
      equal(later.headers.get("location"), confirmFor("/account/delete"));
    },
  );

  await t.step(
    "bad input gets a clear answer, never a 500",
    async () => {
      const long = await browser.post("/account/confirm", {
        password: "x".repeat(5000),
      });
      equal(long.status, 400);
      match(await long.text(), new RegExp(messages.passwordWrong));
      const empty = await browser.post("/account/confirm", {});
      equal(empty.status, 400);
      match(await empty.text(), new RegExp(messages.missingFields));
      const odd = await browser.post("/account/confirm?next=%0d%0a", {
        password: "wrongpass1",
        next: "\r\nLocation: //evil.example",
      });
      equal(odd.status, 400);
      match(await odd.text(), /name="next" value="\/"/);
      const cross = await browser.post("/account/confirm", {
        password: PASSWORD,
      }, { origin: "https://evil.example" });
      equal(cross.status, 403);
    },
  );

  await t.step(
    "a confirmation in one session proves nothing in another",
    async () => {
      await browser.post(confirmFor("/account"), { password: PASSWORD });
      equal((await browser.get("/account/mobile")).status, 200);
      equal((await other.get("/account/mobile")).status, 303);
    },
  );
  app.close();
});

Deno.test("unbinding needs a recent proof, the page and its post alike", async (t) => {
  const { app, browser } = await owner();
  const identity = newIdentity("qq", "小明");
  equal((await browser.login(identity, "/account")).status, 303);
  const unbind = "/account/qq/unbind";
  app.clock.now += PROOF_WINDOW_MS + MINUTE;

  await t.step(
    "the confirmation page asks for the password first",
    async () => {
      const response = await browser.get(unbind);
      equal(response.status, 303);
      equal(response.headers.get("location"), confirmFor(unbind));
    },
  );

  await t.step(
    "a post without one unbinds nothing and comes back to the page after",
    async () => {
      const response = await browser.post(unbind);
      equal(response.status, 303);
      equal(response.headers.get("location"), confirmFor(unbind));
      ok((await findBinding(app.kv, "qq", identity.uid)).binding);
    },
  );

  await t.step("with the password given, it unbinds", async () => {
    const confirmed = await browser.post(confirmFor(unbind), {
      password: PASSWORD,
    });
    equal(confirmed.headers.get("location"), unbind);
    equal((await browser.get(unbind)).status, 200);
    equal((await browser.post(unbind)).status, 303);
    equal((await findBinding(app.kv, "qq", identity.uid)).binding, null);
  });
  app.close();
});

Deno.test("a provider login alone proves nothing; a proof lapsing on the way to the provider still counts", async (t) => {
  const { app, browser } = await owner();
  const identity = newIdentity("qq", "小明");
  equal((await browser.login(identity, "/account")).status, 303);

  await t.step(
    "logged in with QQ, unbinding and the mobile change ask first",
    async () => {
      const viaQq = await anotherBrowser();
      equal((await viaQq.login(identity, "/account")).status, 303);
      equal((await viaQq.get("/account/qq/unbind")).status, 303);
      equal((await viaQq.get("/account/mobile")).status, 303);
      equal((await viaQq.get("/account/delete")).status, 303);
    },
  );

  await t.step(
    "a connect started with the proof fresh lands even when it lapsed at the provider",
    async () => {
      await browser.post(confirmFor("/account"), { password: PASSWORD });
      app.clock.now += PROOF_WINDOW_MS - MINUTE;
      const weibo = newIdentity("weibo", "微博号");
      const callback = await providerCallback(
        browser,
        await browser.get("/oauth/weibo/login?next=/account"),
        weibo,
      );
      app.clock.now += 2 * MINUTE;
      const response = await browser.get(callback);
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account");
      ok((await findBinding(app.kv, "weibo", weibo.uid)).binding);
    },
  );
  app.close();
});

Deno.test(`a connect is told on the account page for ${CONNECT_NOTICE_MS / DAY} days, whoever looks`, async () => {
  const { app, browser } = await owner();
  const said = providerMessages(QQ.name);
  equal(
    (await browser.login(newIdentity("qq", "小号"), "/account")).status,
    303,
  );
  const look = async () => {
    const other = await anotherBrowser();
    await other.post("/login", { username: MOBILE, password: PASSWORD });
    return await (await other.get("/account")).text();
  };
  match(await (await browser.get("/account")).text(), /新绑定了QQ：小号/);
  app.clock.now += CONNECT_NOTICE_MS - DAY;
  match(
    await look(),
    new RegExp(said.connected("小号")),
    "seen already, still told",
  );
  app.clock.now += 2 * DAY;
  const later = await look();
  ok(!later.includes("新绑定了"), "after 30 days, no longer");
  match(later, /data-field="qq">已绑定（小号）/);
  app.close();
});

Deno.test("a bind through the bind form is no connect: nothing to tell", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const answer = await browser.login(newIdentity("qq", "小明"), "/account");
  const sms_code = await browser.smsCode(app, MOBILE);
  const bound = await browser.post(QQ.callbackPath, {
    mobile: MOBILE,
    password: PASSWORD,
    sms_code,
    allow: "on",
    access_token: bindTokenIn(await answer.text()),
  });
  equal(bound.status, 303);
  const page = await (await browser.get("/account")).text();
  ok(!page.includes("新绑定了"));
  equal((await browser.get("/account/qq/unbind")).status, 200, "a bind proves");
  app.close();
});

Deno.test("right after a password reset, the account page shows the bindings, each with a way to remove it", async (t) => {
  const { app, browser } = await owner();
  const qq = newIdentity("qq", "小明");
  const wechat = newIdentity("wechat", "微信号");
  equal((await browser.login(qq, "/account")).status, 303);
  equal((await browser.login(wechat, "/account")).status, 303);
  const phone = await anotherBrowser();
  const sms_code = await phone.smsCode(app, MOBILE, {
    purpose: "reset_password",
  });
  const reset = await phone.post("/password/reset", {
    mobile: MOBILE,
    sms_code,
    password: NEW_PASSWORD,
  });
  equal(reset.headers.get("location"), "/account");

  await t.step("the page after the reset lists them", async () => {
    const html = await (await phone.get("/account")).text();
    const notice = html.match(/data-notice="reset"[^]*?<\/div>/)?.[0] ?? "";
    match(notice, new RegExp(messages.resetBindings));
    match(notice, /QQ：小明 <a href="\/account\/qq\/unbind">解除绑定<\/a>/);
    match(
      notice,
      /微信：微信号 <a href="\/account\/wechat\/unbind">解除绑定<\/a>/,
    );
  });

  await t.step(
    "the reset is the proof: each unbinds at once, after its confirmation",
    async () => {
      match(
        await (await phone.get("/account/qq/unbind")).text(),
        /确定要解除QQ（小明）与本账号的绑定吗/,
      );
      equal((await phone.post("/account/qq/unbind")).status, 303);
      equal((await findBinding(app.kv, "qq", qq.uid)).binding, null);
      const html = await (await phone.get("/account")).text();
      match(html, /data-notice="reset"/);
      ok(!/QQ：小明/.test(html), "gone from the list");
    },
  );

  await t.step(
    "later, or in another session, the account page is as always",
    async () => {
      app.clock.now += PROOF_WINDOW_MS;
      const reset = 'data-notice="reset"';
      ok(!(await (await phone.get("/account")).text()).includes(reset));
      await phone.post(confirmFor("/account"), { password: NEW_PASSWORD });
      ok(
        !(await (await phone.get("/account")).text()).includes(reset),
        "a later confirmation is no reset",
      );
      const other = await anotherBrowser();
      await other.post("/login", { username: MOBILE, password: NEW_PASSWORD });
      ok(
        !(await (await other.get("/account")).text()).includes(
          'data-notice="reset"',
        ),
      );
    },
  );

  app.close();
});

Deno.test("after a password reset, an account with no bindings is told so", async () => {
  const { app } = await owner();
  const phone = await anotherBrowser();
  const sms_code = await phone.smsCode(app, MOBILE, {
    purpose: "reset_password",
  });
  await phone.post("/password/reset", {
    mobile: MOBILE,
    sms_code,
    password: NEW_PASSWORD,
  });
  match(
    await (await phone.get("/account")).text(),
    new RegExp(messages.resetNoBindings),
  );
  app.close();
});
