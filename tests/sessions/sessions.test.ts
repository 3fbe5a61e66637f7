import { equal, notEqual, ok } from "node:assert/strict";
import {
  createSession,
  deleteSession,
  getSession,
  SESSION_TTL_MS,
} from "@/lib/sessions/sessions.ts";
import { listKv, START } from "@/tests/_app.ts";

const DAY = 24 * 3600 * 1000;

Deno.test("sessions", async (t) => {
  const kv = await Deno.openKv(":memory:");

  await t.step(
    "a new session has a fresh random id, stored only by its hash",
    async () => {
      const first = await createSession(kv, "user-1", START);
      const second = await createSession(kv, "user-1", START);
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
      const id = await createSession(kv, "user-2", START);
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
    const id = await createSession(kv, "user-3", START);
    await deleteSession(kv, id);
    equal(await getSession(kv, id, START), null);
    equal(await getSession(kv, "x".repeat(43), START), null);
    equal(await getSession(kv, "not even the right shape", START), null);
  });

  kv.close();
});
