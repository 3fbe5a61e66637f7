// Bindings written by older versions are still found after the upgrade: start-up moves them to the new
// layout (0.1's QQ bindings, 0.2's WeChat ones).
import { deepEqual, equal, ok } from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { createUserIn, newUser, type User } from "@/lib/accounts/users.ts";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { findBinding, findBindingsOfUser } from "@/lib/social/bindings.ts";
import {
  migrateLegacyQqBindings,
  migrationDoneKey,
  separateWechatUidSpaces,
} from "@/lib/social/migrations.ts";
import { issueBindToken, pendingBind } from "@/lib/social/bind_tokens.ts";
import { wechatUid } from "@/lib/social/providers/wechat/provider.ts";
import { openSharedKv } from "@/lib/kv/shared_kv.ts";
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

/**
 * A KV file as 0.2 left it: WeChat bindings keyed by a bare unionid (when WeChat gave one) or a bare
 * openid, as its bindIn wrote them, and one WeChat login waiting on its bind form.
 */
async function kvFileOf02(count = 2) {
  const dir = await Deno.makeTempDir({ prefix: "kv_0_2_" });
  const path = `${dir}/app.kv`;
  const kv = await Deno.openKv(path);
  const users: { user: User; id: string; unionid?: string }[] = [];
  for (let i = 0; i < count; i++) {
    const user = newUser(`1390013${String(i).padStart(4, "0")}`, "hash", START);
    // Even ones had a unionid, odd ones only an openid.
    const id = `${i % 2 ? "oOPENID" : "oUNIONID"}${String(i).padStart(4, "0")}`;
    const unionid = i % 2 ? undefined : id;
    const op = createUserIn(kv.atomic(), user)
      .check({ key: ["bindings", "wechat", id], versionstamp: null })
      .check({
        key: ["bindings_by_user", user.id, "wechat"],
        versionstamp: null,
      })
      .set(["bindings", "wechat", id], {
        provider: "wechat",
        uid: id,
        ...(unionid ? { unionid } : {}),
        userId: user.id,
        nickname: `微信${i}`,
        createdAt: START,
      })
      .set(["bindings_by_user", user.id, "wechat"], id);
    ok((await op.commit()).ok);
    users.push({ user, id, unionid });
  }
  kv.close();
  return {
    path,
    users,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("0.2's WeChat bindings move to a unionid space and an openid space, once", async (t) => {
  await using file = await kvFileOf02(4);
  const [withUnionid, withOpenid] = file.users;
  let pendingCookie = "";

  await t.step(
    "a bind started before the upgrade is pending in the old form",
    async () => {
      const kv = await Deno.openKv(file.path);
      const headers = new Headers();
      await issueBindToken(
        { kv, now: () => START, config: { production: false } },
        new Request("http://localhost:8000/oauth/wechat/callback"),
        headers,
        {
          provider: "wechat",
          uid: "oPENDINGUNIONID",
          unionid: "oPENDINGUNIONID",
          nickname: "路上的人",
          avatar: null,
          next: "/",
        },
      );
      pendingCookie = headers.get("set-cookie")!.split(";")[0];
      kv.close();
    },
  );

  await t.step(
    "start-up moves each binding to its space, and its index with it",
    async () => {
      const app = await testApp({ DENO_KV_PATH: file.path });
      deepEqual(
        (await listKv(app.kv, ["bindings", "wechat"])).map(([key]) => key[2]),
        [
          "openid:oOPENID0001",
          "openid:oOPENID0003",
          "unionid:oUNIONID0000",
          "unionid:oUNIONID0002",
        ],
      );
      const { binding } = await findBinding(
        app.kv,
        "wechat",
        wechatUid({ unionid: withUnionid.id }),
      );
      deepEqual(binding, {
        provider: "wechat",
        uid: `unionid:${withUnionid.id}`,
        unionid: withUnionid.id,
        userId: withUnionid.user.id,
        nickname: "微信0",
        createdAt: START,
      });
      equal(
        (await findBindingsOfUser(app.kv, withOpenid.user.id)).get("wechat")
          ?.uid,
        `openid:${withOpenid.id}`,
      );
      const pending = await pendingBind(
        app,
        new Request("http://localhost:8000/", {
          headers: { cookie: pendingCookie },
        }),
        "wechat",
      );
      equal(pending?.uid, "unionid:oPENDINGUNIONID");
      ok((await app.kv.get(migrationDoneKey("wechat_uid_spaces"))).value);
      const report = await checkInvariants(app.kv);
      deepEqual(report.problems, []);
      equal(report.counts.bindings, 4);
      app.close();
    },
  );

  await t.step("starting again changes nothing, marker or not", async () => {
    const kv = await Deno.openKv(file.path);
    const before = await listKv(kv);
    equal(await separateWechatUidSpaces(kv, START + 1000), 0);
    deepEqual(await listKv(kv), before);
    await kv.delete(migrationDoneKey("wechat_uid_spaces"));
    equal(await separateWechatUidSpaces(kv, START), 0);
    deepEqual(await listKv(kv), before);
    kv.close();
  });

  await t.step("each logs in as before, by unionid and by openid", async () => {
    const app = await testApp({ DENO_KV_PATH: file.path });
    const logins: [Record<string, string>, string][] = [
      [
        { openid: "oANYOPENID1", unionid: withUnionid.id, nickname: "甲" },
        withUnionid.user.mobile,
      ],
      [
        { openid: withOpenid.id, unionid: "", nickname: "乙" },
        withOpenid.user.mobile,
      ],
    ];
    for (const [form, mobile] of logins) {
      const browser = await testBrowser(app);
      const answer = await browser.login({
        provider: "wechat",
        form,
        uid: "",
        nickname: form.nickname,
      });
      equal(answer.status, 303, mobile);
      // Made before consents were kept: it agrees first.
      await browser.post("/consent?next=/account", { allow: "on" });
      const account = await (await browser.get("/account")).text();
      ok(account.includes(mobile.slice(7)), mobile);
    }
    app.close();
  });
});

Deno.test("two start-ups at once (two isolates on one KV) move each WeChat binding once", async () => {
  await using file = await kvFileOf02(20);
  // Each isolate opens the file as the app does.
  const [one, two] = await Promise.all([
    openSharedKv(file.path),
    openSharedKv(file.path),
  ]);
  const moved = await Promise.all([
    separateWechatUidSpaces(one, START),
    separateWechatUidSpaces(two, START),
  ]);
  equal(moved[0] + moved[1], 20);
  const keys = (await listKv(one, ["bindings", "wechat"])).map(([key]) =>
    String(key[2])
  );
  equal(keys.length, 20);
  ok(keys.every((uid) => /^(unionid|openid):/.test(uid)), keys.join());
  const report = await checkInvariants(one);
  deepEqual(report.problems, []);
  one.close();
  two.close();
});

Deno.test("a 0.2 WeChat binding that can't move is left for kv:check to report, and asked again next start", async () => {
  await using file = await kvFileOf02(1);
  const kv = await Deno.openKv(file.path);
  const [{ user, id }] = file.users;
  await kv.set(["bindings_by_user", user.id, "wechat"], "SOMEONE_ELSE");
  equal(await separateWechatUidSpaces(kv, START), 0);
  equal(
    (await kv.get(migrationDoneKey("wechat_uid_spaces"))).versionstamp,
    null,
  );
  const report = await checkInvariants(kv);
  ok(
    report.problems.includes(
      `${
        JSON.stringify(["bindings", "wechat", id])
      } is 0.2's layout, not migrated`,
    ),
    report.problems.join("\n"),
  );
  // Put right by hand, the next start moves it.
  await kv.set(["bindings_by_user", user.id, "wechat"], id);
  equal(await separateWechatUidSpaces(kv, START), 1);
  deepEqual((await checkInvariants(kv)).problems, []);
  kv.close();
});
