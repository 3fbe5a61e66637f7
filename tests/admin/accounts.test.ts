// Customer service's requests, answered by the real `deno task admin` on the KV file the app uses, and
// seen from the app: who an account is, "unbind my QQ", "sign everyone out", "I'm locked out",
// "stop this account", "close it".
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { TEST_SECRET_KEY, type TestApp, testApp } from "@/tests/_app.ts";
import { PASSWORD, userWith } from "@/tests/accounts/_accounts.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";
import { presets } from "@/tests/_identities.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const MOBILE = "13812345678";
const XIAOMING = presets("qq")[0];

async function admin(
  kvPath: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "admin", "--as", "客服小李", ...args],
    cwd: ROOT,
    env: { DENO_KV_PATH: kvPath, SECRET_KEY: TEST_SECRET_KEY, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, out: text(stdout), err: text(stderr) };
}

/** A shop on a KV file with 小明's account, bound to QQ and logged in from one browser. */
async function shop(
  t: Deno.TestContext,
  story: (app: TestApp, kvPath: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/shop.kv`;
  const app = await testApp({ DENO_KV_PATH: kvPath });
  try {
    await userWith(app, MOBILE);
    await story(app, kvPath);
  } finally {
    app.close();
    await Deno.remove(dir, { recursive: true });
  }
  ok(t.name);
}

async function loggedIn(app: TestApp) {
  const browser = await testBrowser(app);
  const login = await browser.post("/login", {
    username: MOBILE,
    password: PASSWORD,
  });
  equal(login.status, 303);
  await login.body?.cancel();
  return browser;
}

Deno.test("admin user shows the account, its bindings, sessions and events, the mobile masked", (t) =>
  shop(t, async (app, kvPath) => {
    await loggedIn(app);
    const shown = await admin(kvPath, "user", MOBILE);
    equal(shown.code, 0, shown.err);
    match(shown.out, /Account 138\*{4}5678/);
    match(shown.out, /Sessions \(1\)/);
    match(shown.out, /Latest events/);
    match(shown.out, /login\s+logged_in/);
    equal(shown.out.includes(MOBILE), false, "a mobile is shown masked");

    const asJson = await admin(kvPath, "--json", "user", MOBILE);
    const view = JSON.parse(asJson.out);
    equal(view.user.mobile, MOBILE);
    equal(view.sessions.length, 1);
    equal("passwordHash" in view.user, false);

    const unknown = await admin(kvPath, "user", "13900000000");
    equal(unknown.code, 1);
    equal(unknown.err.trim().split("\n").length, 1);
    match(unknown.err, /no account 139\*{4}0000/);
  }));

Deno.test("admin signout ends every session, and the app sees it at once", (t) =>
  shop(t, async (app, kvPath) => {
    const browser = await loggedIn(app);
    equal((await browser.get("/account")).status, 200);
    const done = await admin(kvPath, "signout", MOBILE);
    equal(done.code, 0, done.err);
    match(done.out, /ended 1 session/);
    const after = await browser.get("/account");
    equal(after.status, 303);
    match(after.headers.get("location") ?? "", /^\/login/);
  }));

Deno.test("admin unbind removes the QQ, and the next QQ login asks to bind again", (t) =>
  shop(t, async (app, kvPath) => {
    const browser = await loggedIn(app);
    const connect = await browser.login(XIAOMING);
    await connect.body?.cancel();
    const view = JSON.parse(
      (await admin(kvPath, "--json", "user", `qq:${XIAOMING.uid}`)).out,
    );
    equal(view.user.mobile, MOBILE, "found by its QQ openid");
    equal(view.bindings.length, 1);

    const done = await admin(kvPath, "unbind", MOBILE, "qq");
    equal(done.code, 0, done.err);
    const stranger = await testBrowser(app);
    const bindPage = await stranger.login(XIAOMING);
    equal(bindPage.status, 200);
    match(
      await bindPage.text(),
      /name="access_token"/,
      "the bind form, not a login",
    );
    const events =
      JSON.parse((await admin(kvPath, "--json", "user", MOBILE)).out).audit;
    ok(
      events.some((event: { action: string; operator?: string }) =>
        event.action === "unbind" && event.operator === "客服小李"
      ),
      "audited as the operator's",
    );
  }));

Deno.test("a disabled account cannot log in until enabled; its sessions end", (t) =>
  shop(t, async (app, kvPath) => {
    const browser = await loggedIn(app);
    await (await browser.login(XIAOMING)).body?.cancel(); // its QQ is bound
    equal((await admin(kvPath, "disable", MOBILE)).code, 0);
    equal((await browser.get("/account")).status, 303, "its session ended");

    const byQq = await (await testBrowser(app)).login(XIAOMING);
    equal(byQq.status, 400, "nor by its QQ");
    match(await byQq.text(), new RegExp(messages.accountDisabled));
    const before = app.sent.length;
    app.clock.now += 3_600_000; // past the hour after which no image code is asked
    const code = await (await testBrowser(app)).post("/sms_codes", {
      mobile: MOBILE,
      purpose: "reset_password",
    });
    equal(code.status, 200, "the answer tells nothing");
    await code.body?.cancel();
    await app.background.settled();
    equal(app.sent.length, before, "but no code is sent to it");

    const refused = await (await testBrowser(app)).post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    equal(refused.status, 400);
    match(await refused.text(), new RegExp(messages.accountDisabled));
    const wrong = await (await testBrowser(app)).post("/login", {
      username: MOBILE,
      password: "not-the-password",
    });
    equal(wrong.status, 400);
    match(
      await wrong.text(),
      new RegExp(messages.wrongCredentials),
      "a wrong password says nothing more",
    );

    equal((await admin(kvPath, "enable", MOBILE)).code, 0);
    await loggedIn(app);
  }));

Deno.test("admin unlock clears the lockout a stranger's guesses made", (t) =>
  shop(t, async (app, kvPath) => {
    const guesser = await testBrowser(app);
    for (let i = 0; i < 10; i++) {
      const wrong = await guesser.post("/login", {
        username: MOBILE,
        password: `wrong-${i}-pass`,
      });
      await wrong.body?.cancel();
    }
    const locked = await (await testBrowser(app)).post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    equal(locked.status, 400, "past the limit the owner needs an image code");
    await locked.body?.cancel();
    equal((await admin(kvPath, "unlock", MOBILE)).code, 0);
    await loggedIn(app);
  }));

Deno.test("admin delete closes the account as its owner would, and the mobile may register again", (t) =>
  shop(t, async (app, kvPath) => {
    const browser = await loggedIn(app);
    const done = await admin(kvPath, "delete", MOBILE);
    equal(done.code, 0, done.err);
    equal((await browser.get("/account")).status, 303);
    equal((await admin(kvPath, "user", MOBILE)).code, 1);
    const again = await userWith(app, MOBILE);
    equal(again.mobile, MOBILE);
    const rows = [];
    for await (const entry of app.kv.list({ prefix: ["sessions"] })) {
      rows.push(entry.key);
    }
    deepEqual(rows, []);
  }));
