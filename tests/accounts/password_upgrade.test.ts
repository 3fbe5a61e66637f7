import { equal, match, ok } from "node:assert/strict";
import { checkCurrentPassword } from "@/lib/accounts/proofs.ts";
import { changePassword } from "@/lib/accounts/password_change.ts";
import { passwordUpgrade } from "@/lib/accounts/password_upgrade.ts";
import { findUserByLogin, type User } from "@/lib/accounts/users.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { importShop } from "@/lib/import/run.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
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

Deno.test("a hash that changed since it was checked is not replaced", async () => {
  const { app, user } = await movedOver();
  const stale = { ...user, passwordHash: djangoHashOf("wang260k") };
  equal(await passwordUpgrade(app, stale, li.password), null);
  app.close();
});
