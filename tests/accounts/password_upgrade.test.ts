import { deepEqual, equal, match, ok } from "node:assert/strict";
import { checkCurrentPassword } from "@/lib/accounts/proofs.ts";
import { changePassword } from "@/lib/accounts/password_change.ts";
import {
  checkPassword,
  passwordUpgrade,
} from "@/lib/accounts/password_upgrade.ts";
import type { PasswordHasher } from "@/lib/accounts/passwords.ts";
import {
  createUserIn,
  findUserByLogin,
  getUserEntry,
  newUser,
  rehashPasswordIn,
  type User,
  userKey,
} from "@/lib/accounts/users.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { importShop } from "@/lib/import/run.ts";
import { countReads, type TestApp, testApp } from "@/tests/_app.ts";
import { djangoHashOf, DUMPDATA_TEXT, person } from "@/tests/_django_shop.ts";

const li = person("li36000");

async function movedOver(): Promise<{ app: TestApp; user: User }> {
  const app = await testApp();
  await importShop(app.kv, readDumpdata(DUMPDATA_TEXT, "dump.json", "UTC"));
  return { app, user: (await findUserByLogin(app.kv, li.username))! };
}

Deno.test("a form of the account page that checks the old password moves it to bcrypt in a write of its own", async () => {
  const { app, user } = await movedOver();
  const refused = await checkCurrentPassword(
    app,
    { user, fields: {}, clientAddress: "10.0.0.1", browser: null },
    li.password,
  );
  equal(refused, null);
  const after = await findUserByLogin(app.kv, li.username);
  match(after!.passwordHash, /^\$2[ab]\$04\$/);
  ok(await app.passwords.verify(li.password, after!.passwordHash));
  app.close();
});

Deno.test("an imported customer changes their password with the old one Django checked", async () => {
  const { app, user } = await movedOver();
  const result = await changePassword(app, user, {
    old_password: li.password,
    password: "NewPassw0rd",
  }, "10.0.0.1");
  ok(result.ok, JSON.stringify(result));
  const after = await findUserByLogin(app.kv, li.username);
  ok(await app.passwords.verify("NewPassw0rd", after!.passwordHash));
  equal(await app.passwords.verify(li.password, after!.passwordHash), false);
  app.close();
});

Deno.test("a password bcrypt cannot take (over 72 bytes) keeps its Django hash, which goes on working", async () => {
  const { app, user } = await movedOver();
  equal(await passwordUpgrade(app, user, "长".repeat(25)), null);
  equal(
    (await findUserByLogin(app.kv, li.username))!.passwordHash,
    djangoHashOf(li.username),
  );
  app.close();
});

Deno.test("a hash replaced since it was checked (a first login racing this one) stays, and the login goes on", async () => {
  const { app, user } = await movedOver();
  const result = await logIn(
    app,
    { username: li.username, password: li.password },
    "10.0.0.1",
  );
  ok(result.ok && result.upgrade, JSON.stringify(result));
  // The customer's other first login, a moment earlier, wrote a bcrypt of its own.
  const racing = await app.passwords.hash(li.password);
  const entry = await getUserEntry(app.kv, user.id);
  ok(
    (await rehashPasswordIn(
      app.kv.atomic(),
      entry as Deno.KvEntry<User>,
      racing,
    )
      .commit()).ok,
  );
  equal(await sessionStarted(app, result), "/");
  equal((await findUserByLogin(app.kv, li.username))!.passwordHash, racing);
  app.close();
});

Deno.test("a login reads the account twice, a first login that replaces its hash too", async () => {
  const { app, user } = await movedOver();
  const bcrypt = await createBcryptUser(app, "13900139000", "Bcrypt1login");
  const readsOfUsers = async (username: string, password: string) => {
    const reads = countReads(app.kv);
    const result = await logIn(app, { username, password }, "10.0.0.1");
    ok(result.ok, JSON.stringify(result));
    equal(await sessionStarted(app, result), "/");
    return reads(userKey(user.id)[0] as string);
  };
  const first = await readsOfUsers(li.username, li.password);
  match(
    (await findUserByLogin(app.kv, li.username))!.passwordHash,
    /^\$2[ab]\$04\$/,
  );
  // Once to find it by the name typed, once in the session's write, which checks it and takes the hash.
  equal(first, 2);
  equal(await readsOfUsers(bcrypt.username, "Bcrypt1login"), 2);
  app.close();
});

/** The session the login form starts after `result`, with its upgrade: where it sends the browser. */
async function sessionStarted(
  app: TestApp,
  result: Extract<Awaited<ReturnType<typeof logIn>>, { ok: true }>,
) {
  const response = await loggedInRedirect(
    app,
    new Request("http://localhost/login"),
    result.user,
    "/",
    { upgrade: result.upgrade },
  );
  equal(response.status, 303);
  return response.headers.get("location");
}

async function createBcryptUser(
  app: TestApp,
  mobile: string,
  password: string,
) {
  const user = newUser(mobile, await app.passwords.hash(password), app.now());
  await createUserIn(app.kv.atomic(), user).commit();
  return user;
}

/** `app`'s hasher, telling `events` when each job starts and ends. */
function watched(app: TestApp, events: string[]): Pick<TestApp, "passwords"> {
  const real = app.passwords;
  const told = <T>(name: string, job: () => Promise<T>) => {
    events.push(`${name} started`);
    return job().then((result) => {
      events.push(`${name} done`);
      return result;
    });
  };
  const passwords: PasswordHasher = {
    ...real,
    hash: (password) => told("hash", () => real.hash(password)),
    verify: (password, hash) =>
      told("check", () => real.verify(password, hash)),
  };
  return { passwords };
}

Deno.test("an imported customer's first login makes the new hash beside the check, not after it", async (t) => {
  const { app, user } = await movedOver();

  await t.step(
    "right: both start before either ends, and the hash is bcrypt",
    async () => {
      const events: string[] = [];
      const checked = await checkPassword(
        watched(app, events),
        user,
        li.password,
      );
      equal(checked.valid, true);
      match(checked.upgradedHash!, /^\$2[ab]\$04\$/);
      ok(await app.passwords.verify(li.password, checked.upgradedHash!));
      deepEqual(events.slice(0, 2).sort(), ["check started", "hash started"]);
    },
  );

  await t.step(
    "the password login does so, and hands the hash on to the session's write",
    async () => {
      const events: string[] = [];
      const real = app.passwords;
      app.passwords = watched(app, events).passwords;
      try {
        const result = await logIn(
          app,
          { username: li.username, password: li.password },
          "10.0.0.1",
        );
        ok(result.ok && result.upgrade, JSON.stringify(result));
        match(result.upgrade.passwordHash, /^\$2[ab]\$04\$/);
      } finally {
        app.passwords = real;
      }
      deepEqual(events.slice(0, 2).sort(), ["check started", "hash started"]);
      equal(events.filter((event) => event === "hash started").length, 1);
    },
  );

  await t.step("wrong: the hash made is dropped, once done", async () => {
    const events: string[] = [];
    const checked = await checkPassword(
      watched(app, events),
      user,
      "wrong-one",
    );
    deepEqual(checked, { valid: false, upgradedHash: null });
    ok(
      events.includes("hash done"),
      "answered after the hash, as a right one is",
    );
  });

  await t.step(
    "an account with the app's bcrypt already: the check alone",
    async () => {
      const events: string[] = [];
      const bcrypted = {
        ...user,
        passwordHash: await app.passwords.hash("Bcrypt1login"),
      };
      const checked = await checkPassword(
        watched(app, events),
        bcrypted,
        "Bcrypt1login",
      );
      deepEqual(checked, { valid: true, upgradedHash: null });
      deepEqual(events, ["check started", "check done"]);
    },
  );
  app.close();
});
