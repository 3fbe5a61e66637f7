// A password change or reset ends every session made with the old password, including one whose login
// was still checking the old password when the new one was set. The login's password check is held open
// (bcrypt is slow; here it waits for the test), the owner changes the password, then the check finishes.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { PasswordHasher } from "@/lib/accounts/passwords.ts";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { byUserKey, sessionKey } from "@/lib/sessions/sessions.ts";
import { listKv, type TestApp, testApp } from "@/tests/_app.ts";
import { anotherBrowser, type TestBrowser, testBrowser } from "./_browser.ts";

const MOBILE = "13800138000";
const PASSWORD = "secret123";
const NEW_PASSWORD = "newsecret456";

/** A hasher whose next verification, once done, waits for the test before it answers. */
function withHeldVerify(hasher: PasswordHasher) {
  let held: { checked: () => void; answer: Promise<void> } | null = null;
  const holding: PasswordHasher = {
    ...hasher,
    async verify(password, hash) {
      const mine = held;
      held = null;
      const valid = await hasher.verify(password, hash);
      if (mine) {
        mine.checked();
        await mine.answer;
      }
      return valid;
    },
  };
  return {
    hasher: holding,
    /** Holds the next verification: `checked` when it has its result, which it gives on `release()`. */
    holdNext() {
      const checked = Promise.withResolvers<void>();
      const answer = Promise.withResolvers<void>();
      held = { checked: checked.resolve, answer: answer.promise };
      return { checked: checked.promise, release: () => answer.resolve() };
    },
  };
}

async function setUp() {
  const app = await testApp();
  const held = withHeldVerify(app.passwords);
  app.passwords = held.hasher;
  const owner = await testBrowser(app);
  const sms_code = await owner.smsCode(app, MOBILE);
  equal(
    (await owner.post("/register", {
      mobile: MOBILE,
      password: PASSWORD,
      sms_code,
      allow: "on",
    })).status,
    303,
  );
  // Another device of the owner's, logged in before: the change ends it as it always has.
  const phone = await anotherBrowser();
  equal(
    (await phone.post("/login", { username: MOBILE, password: PASSWORD }))
      .status,
    303,
  );
  return { app, held, owner, phone };
}

/** How the owner sets a new password: on the account page, or by SMS (忘记密码). */
const CHANGES: [string, (app: TestApp, owner: TestBrowser) => Promise<void>][] =
  [
    ["a password change", async (_app, owner) => {
      const response = await owner.post("/account/password", {
        old_password: PASSWORD,
        password: NEW_PASSWORD,
      });
      equal(response.status, 303);
    }],
    ["a password reset", async (app, owner) => {
      const sms_code = await owner.smsCode(app, MOBILE, {
        purpose: "reset_password",
      });
      const response = await owner.post("/password/reset", {
        mobile: MOBILE,
        sms_code,
        password: NEW_PASSWORD,
      });
      equal(response.status, 303);
    }],
  ];

for (const [name, setNewPassword] of CHANGES) {
  Deno.test(`a login with the old password still in flight when ${name} commits gets no session`, async (t) => {
    const { app, held, owner, phone } = await setUp();
    const thief = await anotherBrowser();

    const hold = held.holdNext();
    const login = thief.post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    await hold.checked; // the old password was right when it was checked
    await setNewPassword(app, owner);
    hold.release();
    const answer = await login;

    await t.step(
      `the login is refused: 400 ${messages.wrongCredentials}, no session cookie`,
      async () => {
        equal(answer.status, 400);
        match(await answer.text(), new RegExp(messages.wrongCredentials));
        equal(thief.cookies.has("session"), false);
        equal((await thief.get("/account")).status, 303);
      },
    );

    await t.step(
      "the owner's sessions are only the one that set the password",
      async () => {
        const user = (await findUserByMobile(app.kv, MOBILE)).user!;
        equal((await listKv(app.kv, ["sessions"])).length, 1);
        equal(
          (await listKv(app.kv, ["sessions_by_user", user.id])).length,
          1,
        );
        const page = await (await owner.get("/account/sessions")).text();
        equal([...page.matchAll(/data-session="/g)].length, 1);
        equal((await phone.get("/account")).status, 303, "the phone's ended");
      },
    );

    await t.step("the new password logs in", async () => {
      const response = await thief.post("/login", {
        username: MOBILE,
        password: NEW_PASSWORD,
      });
      equal(response.status, 303);
    });
    app.close();
  });
}

Deno.test("a session made with an older password is logged out on its next request, and deleted", async () => {
  const { app, owner } = await setUp();
  await CHANGES[0][1](app, owner);
  const user = (await findUserByMobile(app.kv, MOBILE)).user!;
  equal(user.credentialVersion, 1);
  // A session row as a login racing the change would have left it, before sessions carried the version.
  const id = "s".repeat(43);
  const stale = {
    publicId: "stalepublicid000",
    userId: user.id,
    createdAt: app.now(),
    refreshedAt: app.now(),
    remembered: true,
    userAgent: "",
    clientAddress: "",
  };
  await app.kv.set(sessionKey(sha256Hex(id)), stale);
  await app.kv.set(byUserKey(user.id, stale.publicId), sha256Hex(id));
  const page = await (await owner.get("/account/sessions")).text();
  ok(!page.includes(stale.publicId), "not listed as the owner's");

  const stolen = await anotherBrowser();
  stolen.cookies.set("session", id);
  const response = await stolen.get("/account");
  equal(response.status, 303);
  equal(response.headers.get("location"), "/login?next=/account");
  equal((await app.kv.get(sessionKey(sha256Hex(id)))).value, null);
  deepEqual(
    (await listKv(app.kv, ["sessions_by_user", user.id])).map(([key]) => key[2])
      .includes(stale.publicId),
    false,
  );
  app.close();
});
