// A QQ binding written by 0.1 is still found after the upgrade: start-up moves it to the new layout.
import { deepEqual, equal, ok } from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { createUserIn, newUser, type User } from "@/lib/accounts/users.ts";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { findBinding, findBindingsOfUser } from "@/lib/social/bindings.ts";
import { migrateLegacyQqBindings } from "@/lib/social/migrations.ts";
import { listKv, START, testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

const XIAOMING = PRESET_IDENTITIES[0];

/** A KV file as 0.1.x left it: users, and QQ bindings under its qq_ keys (its bindIn, verbatim). */
async function kvFileOf01(count = 1) {
  const dir = await Deno.makeTempDir({ prefix: "kv_0_1_" });
  const path = `${dir}/app.kv`;
  const kv = await Deno.openKv(path);
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const user = newUser(`1380013${String(i).padStart(4, "0")}`, "hash", START);
    const openid = i === 0 ? XIAOMING.openid : `OPENID${i}`;
    const op = createUserIn(kv.atomic(), user)
      .check({ key: ["qq_bindings", openid], versionstamp: null })
      .check({ key: ["qq_bindings_by_user", user.id], versionstamp: null })
      .set(["qq_bindings", openid], {
        openid,
        userId: user.id,
        nickname: i === 0 ? XIAOMING.nickname : null,
        createdAt: START,
      })
      .set(["qq_bindings_by_user", user.id], openid);
    ok((await op.commit()).ok);
    users.push(user);
  }
  kv.close();
  return {
    path,
    users,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("a 0.1 QQ binding is found after the upgrade, and logs straight in", async (t) => {
  await using file = await kvFileOf01(3);
  const [xiaoming] = file.users;

  await t.step("start-up moves every binding to the new layout", async () => {
    const app = await testApp({ DENO_KV_PATH: file.path });
    const { binding } = await findBinding(app.kv, "qq", XIAOMING.openid);
    deepEqual(binding, {
      provider: "qq",
      uid: XIAOMING.openid,
      userId: xiaoming.id,
      nickname: XIAOMING.nickname,
      createdAt: START,
    });
    equal(
      (await findBindingsOfUser(app.kv, file.users[2].id)).get("qq")?.uid,
      "OPENID2",
    );
    deepEqual(await listKv(app.kv, ["qq_bindings"]), []);
    deepEqual(await listKv(app.kv, ["qq_bindings_by_user"]), []);
    const report = await checkInvariants(app.kv);
    deepEqual(report.problems, []);
    equal(report.counts.bindings, 3);
    app.close();
  });

  await t.step(
    "starting again moves nothing and changes nothing",
    async () => {
      const kv = await Deno.openKv(file.path);
      const before = await listKv(kv);
      equal(await migrateLegacyQqBindings(kv), 0);
      deepEqual(await listKv(kv), before);
      kv.close();
    },
  );

  await t.step("QQ login as that openid logs in as its user", async () => {
    const app = await testApp({ DENO_KV_PATH: file.path });
    const browser = await testBrowser(app);
    const response = await browser.qqLogin(XIAOMING, "/orders");
    equal(response.status, 303);
    equal(response.headers.get("location"), "/orders");
    // Made before consents were kept: its next page asks for one first.
    const asked = await browser.get("/account");
    equal(asked.status, 303);
    equal(asked.headers.get("location"), "/consent?next=/account");
    const agreed = await browser.post("/consent?next=/account", {
      allow: "on",
    });
    equal(agreed.headers.get("location"), "/account");
    const account = await (await browser.get("/account")).text();
    ok(account.includes(maskMobile(xiaoming.mobile)));
    ok(account.includes("已绑定"));
    app.close();
  });
});

Deno.test("two start-ups at once (two isolates on one KV) move each binding once", async () => {
  await using file = await kvFileOf01(20);
  const kv = await Deno.openKv(file.path);
  const moved = await Promise.all([
    migrateLegacyQqBindings(kv),
    migrateLegacyQqBindings(kv),
  ]);
  equal(moved[0] + moved[1], 20);
  const report = await checkInvariants(kv);
  deepEqual(report.problems, []);
  equal(report.counts.bindings, 20);
  kv.close();
});

Deno.test("a 0.1 row that can't move is left for kv:check to report", async () => {
  await using file = await kvFileOf01(1);
  const kv = await Deno.openKv(file.path);
  // An index pointing elsewhere: the pair is not a consistent binding, so nothing is guessed.
  await kv.set(["qq_bindings_by_user", file.users[0].id], "SOMEONE_ELSE");
  equal(await migrateLegacyQqBindings(kv), 0);
  const report = await checkInvariants(kv);
  equal(report.ok, false);
  ok(report.problems.every((line) => line.endsWith("not migrated")));
  equal(report.problems.length, 2);
  kv.close();
});
