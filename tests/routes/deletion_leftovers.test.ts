// 个人信息保护法: a deleted account leaves nothing behind that names its owner. Everything an account's
// life writes (codes, limits, failures, bindings, the audit trail) is written here through the app's
// pages, the account is deleted, and the whole store is searched for the mobile, the provider ids and
// the addresses the owner came from.
import { equal, ok } from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
import { appHandler } from "@/lib/http/serve.ts";
import { messages } from "@/lib/messages.ts";
import type { SmsPurpose } from "@/lib/sms/codes.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { newIdentity } from "@/tests/_identities.ts";
import { bindTokenIn, TestBrowser, testBrowser } from "./_browser.ts";

const MOBILE = "13800138000";
const PASSWORD = "secret123";
const HOME_ADDRESS = "203.0.113.77";
const PHONE_ADDRESS = "2001:db8:85a3::8a2e:370:7334";

/** A browser on `app` whose requests come from `address`, as the server sees a socket's peer. */
async function browserAt(address: string): Promise<TestBrowser> {
  const handler = await appHandler(manifest);
  return new TestBrowser((req) =>
    handler(req, {
      remoteAddr: { transport: "tcp", hostname: address, port: 50123 },
      completed: Promise.resolve(),
    })
  );
}

async function code(
  app: TestApp,
  browser: TestBrowser,
  purpose: SmsPurpose,
): Promise<string> {
  app.clock.now += 61_000;
  app.outbox.delete(MOBILE);
  const response = await browser.sendSms(app, MOBILE, { purpose });
  equal(response.status, 200, await response.text());
  return app.outbox.get(MOBILE)!;
}

/** Every row of the store but the simulators' (they stand for QQ's, WeChat's and Weibo's own servers), as text. */
async function everyRow(kv: Deno.Kv): Promise<string[]> {
  const decoder = new TextDecoder();
  const rows: string[] = [];
  for await (const { key, value } of kv.list({ prefix: [] })) {
    if (/_simulator_/.test(String(key[0]))) continue;
    rows.push(JSON.stringify(
      [key, value],
      (_, part) =>
        part instanceof Uint8Array
          ? decoder.decode(part)
          : typeof part === "bigint"
          ? String(part)
          : part,
    ));
  }
  return rows;
}

Deno.test("a deleted account leaves no mobile, provider id or address behind", async (t) => {
  const app = await testApp();
  await testBrowser(app);
  const home = await browserAt(HOME_ADDRESS);
  const phone = await browserAt(PHONE_ADDRESS);
  const qq = newIdentity("qq", "QQ的我");
  const wechat = newIdentity("wechat", "微信的我");
  const weibo = newIdentity("weibo", "微博的我");

  await t.step(
    "a life: register, fail, log in, bind, connect, log in by QQ",
    async () => {
      const registered = await home.post("/register", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: await code(app, home, "signup"),
        allow: "on",
      });
      equal(registered.status, 303);
      for (const username of [MOBILE, "not-my-mobile"]) {
        const wrong = await phone.post("/login", {
          username,
          password: "wrongpass1",
        });
        equal(wrong.status, 400);
      }
      const bindPage = await phone.login(qq);
      const bound = await phone.post("/oauth_callback", {
        mobile: MOBILE,
        password: PASSWORD,
        sms_code: await code(app, phone, "signup"),
        allow: "on",
        access_token: bindTokenIn(await bindPage.text()),
      });
      equal(bound.status, 303);
      for (const identity of [wechat, weibo]) {
        equal((await home.login(identity)).status, 303, identity.provider);
      }
      const byQq = await browserAt(PHONE_ADDRESS);
      equal((await byQq.login(qq)).status, 303);
      await code(app, phone, "reset_password");
      const wrongReset = await phone.post("/password/reset", {
        mobile: MOBILE,
        sms_code: "000000",
        password: "newsecret456",
      });
      equal(wrongReset.status, 400);
    },
  );

  await t.step("the store knew them while the account lived", async () => {
    const rows = (await everyRow(app.kv)).join("\n");
    ok(rows.includes(MOBILE), "the account's mobile");
  });

  await t.step("the account is deleted, after one wrong code", async () => {
    const deletion = await code(app, home, "delete_account");
    const wrong = await home.post("/account/delete", {
      password: PASSWORD,
      sms_code: deletion === "000000" ? "111111" : "000000",
    });
    equal(wrong.status, 400);
    ok((await wrong.text()).includes(messages.smsCodeWrong));
    const deleted = await home.post("/account/delete", {
      password: PASSWORD,
      sms_code: deletion,
    });
    equal(deleted.status, 303);
  });

  await t.step("nothing in the store names the owner", async () => {
    const rows = await everyRow(app.kv);
    ok(rows.some((row) => row.startsWith('[["audit"')), "the audit stays");
    const secrets = {
      mobile: MOBILE,
      "QQ openid": qq.form.openid,
      "WeChat openid": wechat.form.openid,
      "WeChat unionid": wechat.form.unionid,
      "Weibo uid": weibo.form.uid,
      "home address": HOME_ADDRESS,
      "phone address": PHONE_ADDRESS,
      "phone address's host part": "8a2e:370:7334",
    };
    for (const [what, secret] of Object.entries(secrets)) {
      const found = rows.filter((row) => row.includes(secret));
      equal(found.length, 0, `${what} in:\n${found.join("\n")}`);
    }
  });
  app.close();
});
