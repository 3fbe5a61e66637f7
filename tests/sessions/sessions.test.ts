import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import {
  createSession,
  deleteSession,
  endSessionsIn,
  getSession,
  listSessions,
  MAX_SESSIONS_PER_USER,
  revokeOtherSessions,
  revokeSession,
  SESSION_TTL_MS,
  userSessions,
} from "@/lib/sessions/sessions.ts";
import { setPasswordIn, type User, userKey } from "@/lib/accounts/users.ts";
import { countReads, listKv, START } from "@/tests/_app.ts";

const DAY = 24 * 3600 * 1000;

/** Starts a session of `userId`, whose account is made first: a session is only ever written for one. */
async function sessionOf(
  kv: Deno.Kv,
  userId: string,
  now: number,
  start?: Parameters<typeof createSession>[3],
): Promise<string> {
  const account: User = {
    id: userId,
    username: userId,
    mobile: "",
    passwordHash: "",
    createdAt: START,
  };
  await kv.atomic().check({ key: userKey(userId), versionstamp: null })
    .set(userKey(userId), account).commit();
  const id = await createSession(kv, { id: userId }, now, start);
  ok(id, `a session for ${userId}`);
  return id;
}

Deno.test("sessions", async (t) => {
  const kv = await Deno.openKv(":memory:");

  await t.step(
    "a new session has a fresh random id, stored only by its hash",
    async () => {
      const first = await sessionOf(kv, "user-1", START);
      const second = await sessionOf(kv, "user-1", START);
      notEqual(first, second);
      equal((await getSession(kv, first, START))?.userId, "user-1");
      const keys = (await listKv(kv, ["sessions"])).map(([key]) =>
        String(key[1])
      );
      ok(!keys.includes(first));
    },
  );

  await t.step(
    "a session used within 14 days slides forward; an idle one expires",
    async () => {
      const id = await sessionOf(kv, "user-2", START);
      let now = START;
      for (let i = 0; i < 5; i++) {
        now += 10 * DAY;
        equal(
          (await getSession(kv, id, now))?.userId,
          "user-2",
          `still live on day ${(now - START) / DAY}`,
        );
      }
      equal(await getSession(kv, id, now + SESSION_TTL_MS), null);
    },
  );

  await t.step("a deleted or made-up session is no session", async () => {
    const id = await sessionOf(kv, "user-3", START);
    await deleteSession(kv, id);
    equal(await getSession(kv, id, START), null);
    deepEqual(await listKv(kv, ["sessions_by_user", "user-3"]), []);
    equal(await getSession(kv, "x".repeat(43), START), null);
    equal(await getSession(kv, "not even the right shape", START), null);
  });

  kv.close();
});

Deno.test("a user's sessions are listed and ended by their public id", async (t) => {
  const start = (userAgent: string) => ({
    remembered: true,
    userAgent,
    clientAddress: "203.0.113.7",
  });

  await t.step(
    "each session is listed once, the last used first, with where it came from",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const first = await sessionOf(kv, "u1", START, start("Firefox/1"));
      await sessionOf(kv, "u1", START + 1000, start("Chrome/1"));
      await sessionOf(kv, "u2", START, start("Safari/1"));
      await getSession(kv, first, START + 2 * DAY);
      const listed = await listSessions(kv, { id: "u1" }, START + 2 * DAY);
      deepEqual(listed.map((s) => s.userAgent), ["Firefox/1", "Chrome/1"]);
      equal(listed[0].clientAddress, "203.0.113.7");
      ok(listed.every((s) => /^[\w-]{16}$/.test(s.publicId)));
      ok(!JSON.stringify(listed).includes(first), "no cookie value in it");
    },
  );

  await t.step(
    "revoking one ends it at once; another user's id ends nothing",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const mine = await sessionOf(kv, "u1", START, start("a"));
      const theirs = await sessionOf(kv, "u2", START, start("b"));
      const [theirPublic] = await listSessions(kv, { id: "u2" }, START);
      equal(await revokeSession(kv, "u1", theirPublic.publicId), false);
      ok(await getSession(kv, theirs, START), "still logged in");
      const [myPublic] = await listSessions(kv, { id: "u1" }, START);
      equal(await revokeSession(kv, "u1", myPublic.publicId), true);
      equal(await getSession(kv, mine, START), null);
      deepEqual(await listSessions(kv, { id: "u1" }, START), []);
    },
  );

  await t.step("revoking the others keeps only this one", async () => {
    using kv = await Deno.openKv(":memory:");
    const here = await sessionOf(kv, "u1", START, start("here"));
    const elsewhere = await Promise.all(
      [1, 2, 3].map(() => sessionOf(kv, "u1", START, start("there"))),
    );
    const current = await getSession(kv, here, START);
    equal(await revokeOtherSessions(kv, "u1", current!.publicId), 3);
    for (const id of elsewhere) equal(await getSession(kv, id, START), null);
    ok(await getSession(kv, here, START));
  });

  await t.step(
    "ending them with another write takes the index too",
    async () => {
      using kv = await Deno.openKv(":memory:");
      await sessionOf(kv, "u1", START, start("a"));
      await sessionOf(kv, "u1", START, start("b"));
      const op = kv.atomic();
      endSessionsIn(op, await userSessions(kv, "u1"));
      await op.commit();
      deepEqual(await listKv(kv, ["sessions"]), []);
      deepEqual(await listKv(kv, ["sessions_by_user"]), []);
    },
  );

  await t.step(
    "the expiry slides at most once a day, and says when it did",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const id = await sessionOf(kv, "u1", START, start("a"));
      equal((await getSession(kv, id, START + 3600_000))?.renewed, false);
      equal((await getSession(kv, id, START + DAY))?.renewed, true);
      equal((await getSession(kv, id, START + DAY + 3600_000))?.renewed, false);
      equal((await getSession(kv, id, START + DAY))?.refreshedAt, START + DAY);
    },
  );

  await t.step(
    `past ${MAX_SESSIONS_PER_USER} sessions a login ends the least recently used`,
    async () => {
      using kv = await Deno.openKv(":memory:");
      const ids = [];
      for (let i = 0; i <= MAX_SESSIONS_PER_USER; i++) {
        ids.push(await sessionOf(kv, "u1", START + i, start(`ua${i}`)));
      }
      equal(
        (await listSessions(kv, { id: "u1" }, START + DAY)).length,
        MAX_SESSIONS_PER_USER,
      );
      equal(await getSession(kv, ids[0], START + DAY), null);
      ok(await getSession(kv, ids.at(-1)!, START + DAY));
    },
  );

  await t.step(
    "under the cap a login reads none of the account's other sessions, only their index",
    async () => {
      using kv = await Deno.openKv(":memory:");
      for (let i = 0; i < MAX_SESSIONS_PER_USER - 1; i++) {
        await sessionOf(kv, "u1", START + i, start(`ua${i}`));
      }
      const reads = countReads(kv);
      ok(await sessionOf(kv, "u1", START + DAY, start("last")));
      equal(reads("sessions"), 0);
      equal(reads("sessions_by_user"), 1, "the index, listed once");
      equal(
        (await listSessions(kv, { id: "u1" }, START + DAY)).length,
        MAX_SESSIONS_PER_USER,
      );
    },
  );

  await t.step(
    "a session from 0.1 gets a public id on its next use",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const id = await sessionOf(kv, "u1", START);
      const [[key]] = await listKv(kv, ["sessions"]);
      await kv.set(key, { userId: "u1", createdAt: START, refreshedAt: START });
      await kv.delete((await listKv(kv, ["sessions_by_user"]))[0][0]);
      const session = await getSession(kv, id, START + 1000);
      ok(session && /^[\w-]{16}$/.test(session.publicId));
      deepEqual(
        (await listSessions(kv, { id: "u1" }, START + 1000)).map((s) =>
          s.publicId
        ),
        [session.publicId],
      );
    },
  );
});

Deno.test("a session carries the account's credential version", async (t) => {
  await t.step(
    "a login that read the account before its password changed starts no session",
    async () => {
      using kv = await Deno.openKv(":memory:");
      await sessionOf(kv, "u1", START);
      const before = await kv.get<User>(userKey("u1"));
      const change = setPasswordIn(
        kv.atomic(),
        before as Deno.KvEntry<User>,
        "new",
      );
      ok((await change.commit()).ok);
      equal(await createSession(kv, before.value!, START), null);
      equal((await listKv(kv, ["sessions"])).length, 1, "only the first");
      ok(
        await createSession(
          kv,
          (await kv.get<User>(userKey("u1"))).value!,
          START,
        ),
        "a login that read the new password gets one",
      );
    },
  );

  await t.step(
    "any other change to the account (a new mobile, a rehash) does not stop it",
    async () => {
      using kv = await Deno.openKv(":memory:");
      await sessionOf(kv, "u1", START);
      const read = (await kv.get<User>(userKey("u1"))).value!;
      await kv.set(userKey("u1"), { ...read, mobile: "13900139000" });
      ok(await createSession(kv, read, START));
    },
  );

  await t.step(
    "an account's sessions made with an older password are not listed",
    async () => {
      using kv = await Deno.openKv(":memory:");
      await sessionOf(kv, "u1", START);
      const user = (await kv.get<User>(userKey("u1"))).value!;
      equal((await listSessions(kv, user, START)).length, 1);
      const changed = { ...user, credentialVersion: 1 };
      deepEqual(await listSessions(kv, changed, START), []);
    },
  );
});
