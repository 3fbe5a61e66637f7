// The import straight from the shop's database: a real MariaDB of Debian's whose tables Django's own
// migrations made and whose customers Django created, read by `deno task import:django --mysql`.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { findUserByLogin } from "@/lib/accounts/users.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { readMysql } from "@/lib/import/mysql.ts";
import { listKv } from "@/tests/_app.ts";
import { DUMPDATA_TEXT, ONE_OF_EACH_HASHER } from "@/tests/_django_shop.ts";
import { startShopDatabase } from "./_mariadb.ts";

const SCRIPT = new URL("../../scripts/import_django.ts", import.meta.url)
  .pathname;

// One server for both stories: starting one (and Django's migrations on it) takes most of the time.
Deno.test("the import straight from the shop's MariaDB", async (t) => {
  await using database = await startShopDatabase();
  await t.step(
    "reads it as it reads the dump, and its customers log in",
    () => importsLikeTheDump(database.url),
  );
  await t.step(
    "a table that is not there is a source that cannot be read",
    async () => {
      const error = await readMysql(database.url, "UTC", {
        usersTable: "users_user",
        qqTable: "tb_oauth_qq",
      }).catch((error) => error);
      match(
        String(error),
        /SourceError: cannot read users_user: ER_NO_SUCH_TABLE/,
      );
    },
  );
});

async function importsLikeTheDump(url: string) {
  const database = { url };

  const fromMysql = await readMysql(database.url, "UTC");
  const fromDump = readDumpdata(DUMPDATA_TEXT, "dumpdata.json", "UTC");
  const withoutHashes = (source: typeof fromDump) => ({
    users: source.users.map(({ password, ...user }) => ({
      ...user,
      // An unusable password is "!" and a random string.
      hasher: password.startsWith("!") ? "!" : password.split("$")[0],
    })),
    qqRows: source.qqRows,
  });
  // The same people, made by the same script: only the hashes' salts differ.
  deepEqual(withoutHashes(fromMysql), withoutHashes(fromDump));

  const dir = await Deno.makeTempDir({ prefix: "import-mysql-" });
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, "--mysql", database.url],
    env: { DENO_KV_PATH: `${dir}/shop.kv`, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(stderr);
  equal(code, 0, said);
  ok(
    !said.includes("not-shown-anywhere"),
    "the password in the URL is never shown",
  );
  match(
    new TextDecoder().decode(stdout),
    /^import: 15 users, 9 QQ bindings imported; 6 skipped \(1 bad mobile, 1 inactive, 1 openid on a later row, 1 account has another QQ, 2 user not imported\); 0 already there\n$/,
  );

  const kv = await Deno.openKv(`${dir}/shop.kv`);
  const hasher = createPasswordHasher(4, 1);
  try {
    for (const customer of ONE_OF_EACH_HASHER) {
      const user = await findUserByLogin(kv, customer.mobile);
      equal(user?.username, customer.username);
      ok(
        await hasher.verify(customer.password, user!.passwordHash),
        customer.hasher,
      );
    }
    ok((await listKv(kv, ["bindings", "qq"])).length === 9);
  } finally {
    hasher.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}
