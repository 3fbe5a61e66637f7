import { deepEqual, equal, match, ok } from "node:assert/strict";
import { bindIn, bindingByUserKey, bindingKey } from "@/lib/social/bindings.ts";
import { checkInvariants, MAX_LISTED } from "@/lib/app/invariants.ts";
import {
  createUserIn,
  deleteUserIn,
  newUser,
  type User,
} from "@/lib/accounts/users.ts";
import { createSession } from "@/lib/sessions/sessions.ts";

const NOW = Date.UTC(2026, 10, 24, 4, 0, 0);
const OPENID = "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D";
const OTHER_OPENID = "1F2E3D4C5B6A79881F2E3D4C5B6A7988";
const SCRIPT = new URL("../../scripts/kv_check.ts", import.meta.url).pathname;

/** A KV written by the app's own functions: a bound user and an unbound one. */
async function healthyKv() {
  const kv = await Deno.openKv(":memory:");
  const bound = newUser("13800138000", "hash", NOW);
  const unbound = newUser("13900139000", "hash", NOW);
  const op = kv.atomic();
  createUserIn(op, bound);
  createUserIn(op, unbound);
  bindIn(op, {
    provider: "qq",
    uid: OPENID,
    userId: bound.id,
    nickname: "小明",
    createdAt: NOW,
  });
  ok((await op.commit()).ok);
  return { kv, bound, unbound };
}

/** Checks `kv` and expects exactly one problem, matching `pattern`. */
async function onlyProblem(kv: Deno.Kv, pattern: RegExp) {
  const report = await checkInvariants(kv);
  equal(report.ok, false);
  equal(report.problems.length, 1, report.problems.join("\n"));
  match(report.problems[0], pattern);
}

Deno.test("a KV the app wrote passes, with its counts", async () => {
  const { kv } = await healthyKv();
  const report = await checkInvariants(kv);
  deepEqual(report, {
    ok: true,
    problems: [],
    counts: {
      users: 2,
      usersByMobile: 2,
      usersByUsername: 2,
      bindings: 1,
      bindingsByUser: 1,
      sessions: 0,
    },
  });
  kv.close();
});

Deno.test("an empty KV passes", async () => {
  const kv = await Deno.openKv(":memory:");
  const report = await checkInvariants(kv);
  equal(report.ok, true);
  equal(report.counts.users, 0);
  kv.close();
});

Deno.test("a broken user index is found", async (t) => {
  await t.step("a mobile index pointing at no user", async () => {
    const { kv } = await healthyKv();
    await kv.set(["users_by_mobile", "13700137000"], "ghost");
    await onlyProblem(
      kv,
      /^users_by_mobile "13700137000" points at missing user "ghost"$/,
    );
    kv.close();
  });

  await t.step("a username index pointing at no user", async () => {
    const { kv } = await healthyKv();
    await kv.set(["users_by_username", "someone"], "ghost");
    await onlyProblem(kv, /^users_by_username "someone" points at missing/);
    kv.close();
  });

  await t.step("an index pointing at a user with another mobile", async () => {
    const { kv, bound } = await healthyKv();
    await kv.set(["users_by_mobile", "13700137000"], bound.id);
    await onlyProblem(
      kv,
      /^users_by_mobile "13700137000" points at user ".+" whose mobile is "13800138000"$/,
    );
    kv.close();
  });

  await t.step("a user whose mobile index is missing", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.delete(["users_by_mobile", unbound.mobile]);
    await onlyProblem(kv, /^user ".+" has no users_by_mobile "13900139000"/);
    kv.close();
  });

  await t.step("a user whose username index is missing", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.delete(["users_by_username", unbound.username]);
    await onlyProblem(kv, /^user ".+" has no users_by_username "13900139000"/);
    kv.close();
  });

  await t.step("two users claiming one mobile", async () => {
    const { kv, unbound } = await healthyKv();
    const twin: User = { ...unbound, id: "twin", username: "twin" };
    await kv.set(["users", twin.id], twin);
    await kv.set(["users_by_username", twin.username], twin.id);
    await onlyProblem(
      kv,
      /^user "twin"'s users_by_mobile "13900139000" points at ".+"$/,
    );
    kv.close();
  });

  await t.step("a user row that is not a user", async () => {
    const { kv } = await healthyKv();
    await kv.set(["users", "junk"], { name: "half written" });
    await onlyProblem(kv, /^users "junk" is not a user record$/);
    kv.close();
  });

  await t.step("a user stored under another user's id", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.set(["users", unbound.id], { ...unbound, id: "elsewhere" });
    await onlyProblem(kv, /holds a user whose id is "elsewhere"$/);
    kv.close();
  });
});

Deno.test("a broken binding is found", async (t) => {
  await t.step("a binding of a user that does not exist", async () => {
    const { kv } = await healthyKv();
    const op = kv.atomic();
    bindIn(op, {
      provider: "weibo",
      uid: "1234567890",
      userId: "ghost",
      nickname: null,
      createdAt: NOW,
    });
    ok((await op.commit()).ok);
    await onlyProblem(
      kv,
      /^bindings \["weibo","1234567890"\] points at missing user "ghost"$/,
    );
    kv.close();
  });

  await t.step("a binding whose user has no way back", async () => {
    const { kv, bound } = await healthyKv();
    await kv.delete(bindingByUserKey(bound.id, "qq"));
    await onlyProblem(
      kv,
      /^bindings \["qq",".+"\] is user ".+"'s, but that user has no bindings_by_user "qq" entry$/,
    );
    kv.close();
  });

  await t.step("a binding whose user points at another uid", async () => {
    const { kv, bound } = await healthyKv();
    await kv.set(bindingKey("qq", OTHER_OPENID), {
      provider: "qq",
      uid: OTHER_OPENID,
      userId: bound.id,
      nickname: null,
      createdAt: NOW,
    });
    await onlyProblem(
      kv,
      new RegExp(
        `^bindings \\["qq","${OTHER_OPENID}"\\] .* bindings_by_user "qq" is "${OPENID}"$`,
      ),
    );
    kv.close();
  });

  await t.step("a user index pointing at no binding", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.set(bindingByUserKey(unbound.id, "wechat"), "UNION");
    await onlyProblem(
      kv,
      /^bindings_by_user \[".+","wechat"\] points at missing binding \["wechat","UNION"\]$/,
    );
    kv.close();
  });

  await t.step("a user index pointing at another user's binding", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.set(bindingByUserKey(unbound.id, "qq"), OPENID);
    await onlyProblem(
      kv,
      new RegExp(
        `^bindings_by_user \\["${unbound.id}","qq"\\] points at binding \\["qq","${OPENID}"\\], which is user ".+"'s$`,
      ),
    );
    kv.close();
  });

  await t.step("a binding stored under another uid", async () => {
    const { kv, bound } = await healthyKv();
    const binding = (await kv.get(bindingKey("qq", OPENID))).value as object;
    await kv.set(bindingKey("qq", OPENID), { ...binding, uid: "X" });
    await onlyProblem(kv, /holds the binding of \["qq","X"\]$/);
    equal((await kv.get(bindingByUserKey(bound.id, "qq"))).value, OPENID);
    kv.close();
  });

  await t.step("a binding left in 0.1's layout", async () => {
    const { kv, unbound } = await healthyKv();
    await kv.set(["qq_bindings_by_user", unbound.id], OTHER_OPENID);
    await onlyProblem(
      kv,
      /^\["qq_bindings_by_user",".+"\] is 0\.1's layout, not migrated$/,
    );
    kv.close();
  });
});

Deno.test("a half-written bind shows every broken rule at once", async () => {
  const { kv, bound } = await healthyKv();
  // What a bind that wrote its user and binding but none of their indexes would leave.
  await kv.delete(["users_by_mobile", bound.mobile]);
  await kv.delete(["users_by_username", bound.username]);
  await kv.delete(bindingByUserKey(bound.id, "qq"));
  const report = await checkInvariants(kv);
  equal(report.ok, false);
  equal(report.problems.length, 3, report.problems.join("\n"));
  equal(report.counts.users, 2);
  equal(report.counts.usersByMobile, 1);
  kv.close();
});

Deno.test("deno task kv:check tells an operator what is wrong", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kv_check_" });
  const path = `${dir}/app.kv`;
  const run = async (...args: string[]) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SCRIPT, ...args],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code,
      out: decoder.decode(stdout),
      err: decoder.decode(stderr),
    };
  };

  try {
    const kv = await Deno.openKv(path);
    const user = newUser("13800138000", "hash", NOW);
    ok((await createUserIn(kv.atomic(), user).commit()).ok);

    await t.step("a healthy file: counts, OK, exit 0", async () => {
      const { code, out } = await run(path);
      equal(code, 0, out);
      match(out, /^users: 1$/m);
      match(out, /^bindings: 0$/m);
      match(out, /^OK/m);
      match(out, /^peak memory: \d+ MiB$/m);
    });

    await t.step("a broken file: each problem on a line, exit 1", async () => {
      await kv.set(bindingByUserKey(user.id, "qq"), OPENID);
      await kv.delete(["users_by_username", user.username]);
      kv.close();
      const { code, out } = await run(path);
      equal(code, 1, out);
      match(out, /^PROBLEMS: 2$/m);
      match(out, /^user ".+" has no users_by_username "13800138000" entry$/m);
      match(out, /^bindings_by_user \[".+","qq"\] points at missing binding/m);
    });

    await t.step("a mistyped path is refused, not created", async () => {
      const { code, err } = await run(`${dir}/typo.kv`);
      equal(code, 2);
      match(err, /no KV file at/);
      const created = await Deno.stat(`${dir}/typo.kv`).then(
        () => true,
        () => false,
      );
      equal(created, false);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a session of a missing user, or an index entry without its session, is a problem", async () => {
  using kv = await Deno.openKv(":memory:");
  // A session is only ever started for an account there is: this one's account goes after it.
  const ghost = { ...newUser("13800138000", "hash", NOW), id: "ghost" };
  ok((await createUserIn(kv.atomic(), ghost).commit()).ok);
  ok(await createSession(kv, ghost, Date.now(), { remembered: true }));
  const entry = await kv.get<User>(["users", "ghost"]);
  ok(
    (await deleteUserIn(kv.atomic(), entry as Deno.KvEntry<User>).commit()).ok,
  );
  await kv.set(["sessions_by_user", "ghost", "PUBLICID"], "0".repeat(64));
  const { problems, counts } = await checkInvariants(kv);
  equal(counts.sessions, 1);
  equal(problems.length, 2, problems.join("\n"));
  ok(problems.some((p) => /belongs to missing user "ghost"/.test(p)));
  ok(problems.some((p) => /points at missing session/.test(p)));
});

Deno.test("a store of many windows is read to its last row", async () => {
  using kv = await Deno.openKv(":memory:");
  const users = Array.from(
    { length: 2500 },
    (_, i) => newUser(`138${String(i).padStart(8, "0")}`, "hash", NOW),
  );
  for (let i = 0; i < users.length; i += 30) {
    const op = kv.atomic();
    for (const user of users.slice(i, i + 30)) createUserIn(op, user);
    ok((await op.commit()).ok);
  }
  const last = users.toSorted((a, b) => a.id < b.id ? -1 : 1).at(-1)!;
  await kv.delete(["users_by_username", last.username]);
  const report = await checkInvariants(kv);
  equal(report.counts.users, 2500);
  equal(report.counts.usersByMobile, 2500);
  deepEqual(report.problems, [
    `user "${last.id}" has no users_by_username "${last.username}" entry`,
  ]);
});

Deno.test("a store broken everywhere lists the first problems and counts the rest", async () => {
  using kv = await Deno.openKv(":memory:");
  const broken = MAX_LISTED + 100;
  for (let i = 0; i < broken; i += 500) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(broken, i + 500); j++) {
      op.set(bindingByUserKey(`gone-${j}`, "qq"), `openid-${j}`);
    }
    ok((await op.commit()).ok);
  }
  const report = await checkInvariants(kv);
  equal(report.ok, false);
  equal(report.problems.length, MAX_LISTED);
  equal(report.more, 100);
  equal(report.counts.bindingsByUser, broken);
});
