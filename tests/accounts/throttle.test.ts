import { equal, ok } from "node:assert/strict";
import {
  FAILURES_PER_ACCOUNT,
  FAILURES_PER_CLIENT,
  startLoginAttempt,
  WINDOW_MS,
} from "@/lib/accounts/throttle.ts";
import { keyedKv } from "@/tests/_app.ts";

const NOW = Date.UTC(2026, 10, 24, 12);

Deno.test("login throttle", async (t) => {
  await t.step(
    "the eleventh failure is refused even when its clock is behind the first ten",
    async () => {
      // A request that read the clock earlier but committed later must not rank ahead of the others.
      using kv = await keyedKv();
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        ok(await startLoginAttempt(kv, "13800138000", `10.0.0.${i}`, NOW));
      }
      equal(
        await startLoginAttempt(kv, "13800138000", "10.0.1.1", NOW - 5),
        null,
      );
    },
  );

  await t.step(
    "of a burst of 40, exactly the first 10 get through",
    async () => {
      using kv = await keyedKv();
      const attempts = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            startLoginAttempt(kv, "13900139000", `10.0.2.${i}`, NOW - (i % 7)),
        ),
      );
      equal(attempts.filter(Boolean).length, FAILURES_PER_ACCOUNT);
    },
  );

  await t.step(
    "a right password and an old failure no longer count",
    async () => {
      using kv = await keyedKv();
      const old = NOW - WINDOW_MS - 1;
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        await startLoginAttempt(kv, "13700137000", "10.0.3.1", old);
      }
      for (let i = 0; i < FAILURES_PER_ACCOUNT - 1; i++) {
        ok(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW));
      }
      const right = await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW);
      await right!.succeeded();
      ok(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW));
      equal(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW), null);
    },
  );

  await t.step(
    "one address is stopped after its own 100 failures",
    async () => {
      using kv = await keyedKv();
      for (let i = 0; i < FAILURES_PER_CLIENT; i++) {
        ok(await startLoginAttempt(kv, `1360000${i}`, "10.0.4.1", NOW));
      }
      equal(await startLoginAttempt(kv, "13611111111", "10.0.4.1", NOW), null);
      ok(await startLoginAttempt(kv, "13611111111", "10.0.4.2", NOW));
    },
  );
});
