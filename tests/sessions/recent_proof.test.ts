import { equal, ok } from "node:assert/strict";
import { type User, userKey } from "@/lib/accounts/users.ts";
import {
  hasRecentProof,
  PROOF_WINDOW_MS,
  recordProof,
} from "@/lib/sessions/recent_proof.ts";
import {
  createSession,
  deleteSession,
  getSession,
  type SessionStart,
} from "@/lib/sessions/sessions.ts";
import { START } from "@/tests/_app.ts";

const MINUTE = 60_000;

async function sessionOf(kv: Deno.Kv, start: SessionStart): Promise<string> {
  const account: User = {
    id: "u1",
    username: "13800138000",
    mobile: "13800138000",
    passwordHash: "",
    createdAt: START,
  };
  await kv.set(userKey("u1"), account);
  const id = await createSession(kv, account, START, start);
  ok(id);
  return id;
}

Deno.test("a session's recent proof", async (t) => {
  await t.step(
    "a password login proves for 10 minutes, and no longer",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const id = await sessionOf(kv, { remembered: true, proven: true });
      const session = await getSession(kv, id, START);
      ok(hasRecentProof(session, START + 9 * MINUTE));
      equal(hasRecentProof(session, START + PROOF_WINDOW_MS), false);
    },
  );

  await t.step(
    "a provider login proves nothing until the password is given in it",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const id = await sessionOf(kv, { remembered: true });
      const session = (await getSession(kv, id, START))!;
      equal(hasRecentProof(session, START), false);
      const later = START + 3 * MINUTE;
      ok(await recordProof(kv, session, later));
      const proven = await getSession(kv, id, later);
      equal(proven?.provenAt, later);
      ok(hasRecentProof(proven, later + 9 * MINUTE));
    },
  );

  await t.step(
    "a proof recent when a provider login started still counts when it comes back",
    async () => {
      using kv = await Deno.openKv(":memory:");
      const id = await sessionOf(kv, { remembered: true, proven: true });
      const session = await getSession(kv, id, START);
      const started = START + 9 * MINUTE;
      ok(hasRecentProof(session, started));
      equal(hasRecentProof(session, started + 2 * MINUTE), false);
    },
  );

  await t.step("an ended session records nothing", async () => {
    using kv = await Deno.openKv(":memory:");
    const id = await sessionOf(kv, { remembered: true });
    const session = (await getSession(kv, id, START))!;
    await deleteSession(kv, id);
    equal(await recordProof(kv, session, START), false);
    equal(await getSession(kv, id, START), null, "nor comes back");
  });
});
