import { deepEqual, equal, match, ok } from "node:assert/strict";
import { checkInvariants } from "@/lib/app/invariants.ts";
import {
  deleteUserIn,
  findUserByLogin,
  getUserEntry,
  type User,
  userKey,
} from "@/lib/accounts/users.ts";
import {
  bindIn,
  type Binding,
  bindingByUserKey,
  bindingKey,
  findBinding,
} from "@/lib/social/bindings.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { importedUserId, importedUserKey } from "@/lib/import/ledger.ts";
import { importShop, summaryLine } from "@/lib/import/run.ts";
import type { ShopSource } from "@/lib/import/source.ts";
import { listKv, type TestApp, testApp } from "@/tests/_app.ts";
import { userWith } from "@/tests/accounts/_accounts.ts";
import { djangoHashOf, DUMPDATA_TEXT, person } from "@/tests/_django_shop.ts";
import { crowdSource } from "./_crowd.ts";

const SOURCE = readDumpdata(DUMPDATA_TEXT, "dumpdata.json", "UTC");
const TAKEN_OPENID = "A0000000000000000000000000000017";

/** The app as it stands when the shop moves over: two customers registered already, one with QQ. */
async function appWithCustomers(): Promise<TestApp> {
  const app = await testApp();
  await userWith(app, "13800000015");
  const other = await userWith(app, "13900000099");
  await bindIn(app.kv.atomic(), {
    provider: "qq",
    uid: TAKEN_OPENID,
    userId: other.id,
    nickname: "别人",
    createdAt: app.now(),
  }).commit();
  return app;
}

const FIRST_RUN =
  "import: 13 users, 8 QQ bindings imported; 9 skipped (1 bad mobile, 1 inactive, 1 username taken, 1 mobile taken, 1 openid taken, 1 openid on a later row, 1 account has another QQ, 2 user not imported); 0 already there";

Deno.test("a shop moves over: its customers and their QQ bindings, with what is skipped and why", async () => {
  const app = await appWithCustomers();
  const report = await importShop(app.kv, SOURCE);
  equal(summaryLine(report), FIRST_RUN);

  const li = await findUserByLogin(app.kv, "li36000");
  deepEqual(
    li,
    {
      id: importedUserId(1),
      username: "li36000",
      mobile: "13800000001",
      passwordHash: djangoHashOf("li36000"),
      createdAt: Date.UTC(2019, 2, 1, 8, 30),
      lastLoginAt: Date.UTC(2020, 10, 11, 12, 0, 0, 250),
      importedFrom: { system: "django", id: 1 },
    } satisfies User,
  );
  deepEqual(
    (await findBinding(app.kv, "qq", person("li36000").qq![0].openid)).binding,
    {
      provider: "qq",
      uid: "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D",
      userId: li!.id,
      nickname: null,
      createdAt: Date.UTC(2019, 2, 2, 9),
    } satisfies Binding,
  );

  await expectSkipsOf(app);
  const invariants = await checkInvariants(app.kv);
  deepEqual(invariants.problems, []);
  equal(invariants.counts.users, 15);
  app.close();
});

async function expectSkipsOf(app: TestApp) {
  const uid = async (openid: string) =>
    (await findBinding(app.kv, "qq", openid)).binding?.userId;
  const idOf = async (login: string) =>
    (await findUserByLogin(app.kv, login))?.id;
  equal(
    await idOf("chen_inactive"),
    undefined,
    "an inactive account stays behind",
  );
  equal(
    await idOf("chu_bad_mobile"),
    undefined,
    "so does one without a mobile number",
  );
  equal(
    await idOf("yang_mobile_taken"),
    undefined,
    "a mobile someone registered stays theirs",
  );
  equal(
    (await findUserByLogin(app.kv, "13800000015"))?.importedFrom,
    undefined,
  );
  equal(
    (await findUserByLogin(app.kv, "13900000099"))?.importedFrom,
    undefined,
    "so does a username",
  );
  equal(await idOf("13800000016"), undefined);
  equal(
    await uid("A0000000000000000000000000000010"),
    undefined,
    "the inactive account's QQ too",
  );
  equal(
    await uid("D0B1E0000000000000000000000000DD"),
    await idOf("jiang_later_row"),
    "the later row keeps a shared openid",
  );
  ok(await idOf("wei_older_row"), "the earlier row's account comes without it");
  equal(
    await uid("B0000000000000000000000000000014"),
    await idOf("han_two_qq"),
    "of two QQs the later stays",
  );
  equal(await uid("A0000000000000000000000000000014"), undefined);
  ok(
    await idOf("xu_openid_taken"),
    "an account whose openid is someone else's comes without it",
  );
  equal(await uid(TAKEN_OPENID), await idOf("13900000099"));
  equal(
    (await idOf("feng_unusable")) !== undefined,
    true,
    "an unusable password moves over as it is",
  );
}

Deno.test("running it again imports nothing twice and changes nothing", async () => {
  const app = await appWithCustomers();
  await importShop(app.kv, SOURCE);
  const before = await listKv(app.kv);
  const again = await importShop(app.kv, SOURCE);
  equal(
    summaryLine(again),
    "import: 0 users, 0 QQ bindings imported; 9 skipped (1 bad mobile, 1 inactive, 1 username taken, 1 mobile taken, 1 openid taken, 1 openid on a later row, 1 account has another QQ, 2 user not imported); 21 already there",
  );
  deepEqual(await listKv(app.kv), before);
  app.close();
});

Deno.test("a dry run writes nothing and says what the import would do", async () => {
  const app = await appWithCustomers();
  const before = await listKv(app.kv);
  const dry = await importShop(app.kv, SOURCE, { dryRun: true });
  deepEqual(await listKv(app.kv), before);
  equal(
    summaryLine(dry),
    FIRST_RUN.replace("import:", "import --dry-run:").replace(
      "imported;",
      "would be imported;",
    ),
  );
  app.close();
});

Deno.test("a customer who deleted their account after the move is not brought back by another run", async () => {
  const app = await testApp();
  await importShop(app.kv, SOURCE);
  const entry = await getUserEntry(app.kv, importedUserId(6));
  ok(entry.value);
  await deleteUserIn(app.kv.atomic(), entry as Deno.KvEntry<User>).commit();
  const again = await importShop(app.kv, SOURCE);
  equal(again.users, 0);
  equal((await app.kv.get(userKey(importedUserId(6)))).value, null);
  equal(
    (await app.kv.get(importedUserKey(6))).value,
    importedUserId(6),
    "the ledger remembers",
  );
  app.close();
});

Deno.test("a QQ login bound in the old shop after the first run is added by the next", async () => {
  const app = await testApp();
  await importShop(app.kv, SOURCE);
  const zhao = SOURCE.users.find((user) => user.username === "zhao1200k")!;
  const later: ShopSource = {
    users: SOURCE.users,
    qqRows: [...SOURCE.qqRows, {
      id: 99,
      userId: zhao.id,
      openid: "C0FFEE00C0FFEE00C0FFEE00C0FFEE00",
      createdAt: Date.UTC(2026, 0, 1),
      updatedAt: Date.UTC(2026, 0, 1),
    }],
  };
  const report = await importShop(app.kv, later);
  equal(report.users, 0);
  equal(report.bindings, 1);
  equal(
    (await findBinding(app.kv, "qq", "C0FFEE00C0FFEE00C0FFEE00C0FFEE00"))
      .binding?.userId,
    importedUserId(zhao.id),
  );
  equal(
    (await app.kv.get(bindingByUserKey(importedUserId(zhao.id), "qq"))).value,
    "C0FFEE00C0FFEE00C0FFEE00C0FFEE00",
  );
  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});

Deno.test("the writes stay within Deno KV's limits, each user whole in one commit with a check on every key it must not overwrite", async () => {
  const app = await testApp();
  const commits: { checks: string[]; sets: string[] }[] = [];
  const kv = recording(app.kv, commits);
  const crowd = crowdSource(2_000);
  const report = await importShop(kv, crowd);
  equal(report.users, 2_000);
  equal(report.bindings, 2_000);
  ok(commits.length > 1);
  // Four checks a user with its binding: 25 users in each commit Deno KV's 100 checks allow.
  equal(commits.length, 2_000 / 25);
  for (const commit of commits) {
    ok(commit.checks.length <= 100, `${commit.checks.length} checks`);
    ok(commit.sets.length <= 1000, `${commit.sets.length} mutations`);
  }
  const id = importedUserId(1234);
  const keys = [
    userKey(id),
    ["users_by_username", "crowd1234"],
    ["users_by_mobile", "15000001234"],
    importedUserKey(1234),
    bindingKey("qq", crowd.qqRows[1233].openid),
    bindingByUserKey(id, "qq"),
  ].map((key) => JSON.stringify(key));
  const holding = commits.filter((commit) =>
    keys.some((key) => commit.sets.includes(key))
  );
  equal(
    holding.length,
    1,
    "one commit writes the user, its indexes, its ledger entry and its binding",
  );
  for (const key of keys) {
    ok(holding[0].sets.includes(key), `${key} is written`);
  }
  // The user's own keys are made from its Django key, as its ledger entry is: the entry's check stands
  // for them. Every other key is checked itself.
  const [user, username, mobile, ledger, binding, byUser] = keys;
  for (const key of [username, mobile, ledger, binding]) {
    ok(holding[0].checks.includes(key), `${key} is checked`);
  }
  for (const key of [user, byUser]) {
    ok(!holding[0].checks.includes(key), `${key} rests on the ledger's check`);
  }
  app.close();
});

Deno.test("an imported user's id is UUID-shaped, in the order of Django's keys, and never one the app makes", () => {
  const djangoIds = [
    1,
    2,
    9,
    10,
    15,
    16,
    255,
    256,
    4_096,
    65_535,
    99_999,
    2 ** 31 - 1,
    2 ** 48 - 1,
  ];
  const ids = djangoIds.map(importedUserId);
  for (const id of ids) {
    match(
      id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  }
  deepEqual(ids.toSorted(), ids, "sorted as strings, as Deno KV orders keys");
  equal(new Set(ids).size, ids.length);
  equal(importedUserId(1234), importedUserId(1234), "the same on every run");
  // Past 48 bits (beyond any auto-increment) the id is still one of its own.
  match(importedUserId(2 ** 52), /^[0-9a-f]{8}-[0-9a-f]{4}-8/);
  ok(importedUserId(2 ** 52) !== importedUserId(2 ** 52 + 1));
});

/** `kv` with every atomic commit's checked and written keys recorded (as JSON) into `commits`. */
function recording(
  kv: Deno.Kv,
  commits: { checks: string[]; sets: string[] }[],
): Deno.Kv {
  return new Proxy(kv, {
    get(target, name) {
      if (name !== "atomic") {
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return () => {
        const op = target.atomic();
        const commit = { checks: [] as string[], sets: [] as string[] };
        const recorded: Deno.AtomicOperation = new Proxy(op, {
          get(opTarget, opName) {
            const value = Reflect.get(opTarget, opName);
            if (typeof value !== "function") return value;
            return (...args: unknown[]) => {
              if (opName === "check") {
                for (const check of args as Deno.AtomicCheck[]) {
                  commit.checks.push(JSON.stringify(check.key));
                }
              } else if (opName === "set" || opName === "delete") {
                commit.sets.push(JSON.stringify(args[0]));
              }
              if (opName === "commit") {
                commits.push(commit);
                return value.apply(opTarget, args);
              }
              value.apply(opTarget, args);
              return recorded;
            };
          },
        });
        return recorded;
      };
    },
  });
}
