// Customers moved over from the Django shop (deno task import:django), as they meet the app: their old
// passwords and QQ logins work, and their first success leaves them on the app's own hash.
import { equal, match, ok } from "node:assert/strict";
import { findUserByLogin, userKey } from "@/lib/accounts/users.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { importShop } from "@/lib/import/run.ts";
import { messages } from "@/lib/messages.ts";
import { sessionKey } from "@/lib/sessions/sessions.ts";
import { findBinding } from "@/lib/social/bindings.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import {
  djangoHashOf,
  DUMPDATA_TEXT,
  ONE_OF_EACH_HASHER,
  person,
} from "@/tests/_django_shop.ts";
import { newIdentity } from "@/tests/_identities.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
} from "./_browser.ts";

const SOURCE = readDumpdata(DUMPDATA_TEXT, "dumpdata.json", "UTC");

async function movedOver({ withQq = true } = {}): Promise<TestApp> {
  const app = await testApp();
  await importShop(app.kv, withQq ? SOURCE : { ...SOURCE, qqRows: [] });
  return app;
}

async function passwordLogin(
  browser: TestBrowser,
  username: string,
  password: string,
): Promise<Response> {
  const response = await browser.post("/login?next=/account", {
    username,
    password,
  });
  await response.body?.cancel();
  return response;
}

const hashOf = async (app: TestApp, login: string) =>
  (await findUserByLogin(app.kv, login))!.passwordHash;

Deno.test("a customer of every Django hasher logs in with their old password, and is on bcrypt afterwards", async (t) => {
  const app = await movedOver();
  await testBrowser(app);
  for (const customer of ONE_OF_EACH_HASHER) {
    await t.step(`${customer.hasher} (${customer.username})`, async () => {
      equal(
        await hashOf(app, customer.username),
        djangoHashOf(customer.username),
      );
      const browser = await anotherBrowser();
      const wrong = await browser.post("/login", {
        username: customer.username,
        password: customer.password + "1",
      });
      equal(wrong.status, 400);
      match(await wrong.text(), new RegExp(messages.wrongCredentials));
      equal(
        await hashOf(app, customer.username),
        djangoHashOf(customer.username),
        "a wrong password changes nothing",
      );

      const first = await passwordLogin(
        browser,
        customer.username,
        customer.password,
      );
      equal(first.status, 303);
      equal(first.headers.get("location"), "/account");
      match(
        await hashOf(app, customer.username),
        /^\$2[ab]\$04\$/,
        "the app's bcrypt at its cost",
      );

      // And by mobile with the same password, now checked by bcrypt.
      const again = await passwordLogin(
        await anotherBrowser(),
        customer.mobile,
        customer.password,
      );
      equal(again.status, 303);
    });
  }
  app.close();
});

Deno.test("an unusable password (set_unusable_password) never logs in, whatever is typed", async () => {
  const app = await movedOver();
  const browser = await testBrowser(app);
  const feng = person("feng_unusable");
  for (const password of [feng.password, djangoHashOf("feng_unusable"), "!"]) {
    const response = await browser.post("/login", {
      username: feng.username,
      password,
    });
    equal(response.status, 400);
    match(await response.text(), new RegExp(messages.wrongCredentials));
  }
  equal(await hashOf(app, feng.username), djangoHashOf("feng_unusable"));
  app.close();
});

Deno.test("a customer of every Django hasher binds a new QQ login with their old password, and is on bcrypt afterwards", async (t) => {
  // Without their QQ rows: each account has the QQ slot free for the bind.
  const app = await movedOver({ withQq: false });
  const browser = await testBrowser(app);
  for (const customer of ONE_OF_EACH_HASHER) {
    await t.step(`${customer.hasher} (${customer.username})`, async () => {
      const identity = newIdentity("qq", customer.username);
      const page = await browser.login(identity, "/orders");
      const access_token = bindTokenIn(await page.text());
      const bound = await browser.post("/oauth_callback", {
        mobile: customer.mobile,
        password: customer.password,
        sms_code: await browser.smsCode(app, customer.mobile),
        allow: "on",
        access_token,
      });
      equal(bound.status, 303, await bound.text());
      equal(bound.headers.get("location"), "/orders");
      const user = await findUserByLogin(app.kv, customer.mobile);
      equal(
        (await findBinding(app.kv, "qq", identity.uid)).binding?.userId,
        user!.id,
      );
      match(user!.passwordHash, /^\$2[ab]\$04\$/);
      await browser.post("/logout");
    });
  }
  app.close();
});

Deno.test("an imported QQ binding logs straight in from QQ, password or not", async () => {
  const app = await movedOver();
  const browser = await testBrowser(app);
  const li = person("li36000");
  const callback = await browser.login(
    {
      provider: "qq",
      form: { openid: li.qq![0].openid, nickname: "小李" },
      uid: li.qq![0].openid,
      nickname: "小李",
    },
    "/orders",
  );
  equal(callback.status, 303);
  equal(callback.headers.get("location"), "/orders");
  // Imported, the account has agreed to none of this shop's texts: it is asked first.
  const asked = await browser.get("/");
  equal(asked.status, 303);
  equal(asked.headers.get("location"), "/consent?next=/");
  equal((await browser.post("/consent?next=/", { allow: "on" })).status, 303);
  const home = await browser.get("/");
  match(await home.text(), /li36000/);
  equal(
    await hashOf(app, "li36000"),
    djangoHashOf("li36000"),
    "a QQ login checks no password",
  );
  app.close();
});

Deno.test("the first password login writes the new hash in the session's own write, and ends no other session", async () => {
  const app = await movedOver();
  const commits: string[][] = [];
  const kv = app.kv;
  app.kv = new Proxy(kv, {
    get(target, name) {
      if (name !== "atomic") {
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return () => {
        const op = target.atomic();
        const keys: string[] = [];
        const set = op.set.bind(op);
        const commit = op.commit.bind(op);
        op.set = (
          key,
          value,
          options,
        ) => (keys.push(JSON.stringify(key)), set(key, value, options));
        op.commit = () => (commits.push(keys), commit());
        return op;
      };
    },
  });
  const li = person("li36000");
  const phone = await testBrowser(app);
  const qq = await phone.login(
    {
      provider: "qq",
      form: { openid: li.qq![0].openid, nickname: "小李" },
      uid: li.qq![0].openid,
      nickname: "小李",
    },
  );
  equal(qq.status, 303, "logged in on the phone through QQ");

  const laptop = await anotherBrowser();
  commits.length = 0;
  equal((await passwordLogin(laptop, li.username, li.password)).status, 303);
  const user = await findUserByLogin(kv, li.username);
  const written = commits.filter((keys) =>
    keys.includes(JSON.stringify(userKey(user!.id)))
  );
  equal(written.length, 1, "the hash is written once");
  ok(
    written[0].some((key) =>
      key.startsWith(JSON.stringify(sessionKey("")).slice(0, -3))
    ),
    "with the new session",
  );

  equal((await phone.post("/consent?next=/", { allow: "on" })).status, 303);
  const account = await phone.get("/account");
  equal(account.status, 200, "the phone's session lives on");
  match(await account.text(), /li36000/);
  app.close();
});
