import { deepEqual, equal } from "node:assert/strict";
import {
  consumeOAuthState,
  createOAuthState,
  OAUTH_STATE_TTL_MS,
} from "@/lib/social/states.ts";
import { START } from "@/tests/_app.ts";

Deno.test("OAuth state", async (t) => {
  const kv = await Deno.openKv(":memory:");

  await t.step("is 128 random bits, and brings back next once", async () => {
    const state = await createOAuthState(kv, "/account", START);
    equal(state.length, 22);
    deepEqual(await consumeOAuthState(kv, state, state, START + 1000), {
      next: "/account",
    });
    equal(
      await consumeOAuthState(kv, state, state, START + 2000),
      null,
      "a replayed state fails",
    );
  });

  await t.step(
    "from another browser (no cookie or another cookie) is refused",
    async () => {
      const state = await createOAuthState(kv, "/", START);
      const other = await createOAuthState(kv, "/", START);
      equal(await consumeOAuthState(kv, state, undefined, START), null);
      equal(await consumeOAuthState(kv, state, other, START), null);
      deepEqual(
        await consumeOAuthState(kv, state, state, START),
        { next: "/" },
        "still good for its own browser",
      );
    },
  );

  await t.step("unknown or expired states are refused", async () => {
    equal(
      await consumeOAuthState(
        kv,
        "made-up-state-value-xx",
        "made-up-state-value-xx",
        START,
      ),
      null,
    );
    equal(await consumeOAuthState(kv, null, undefined, START), null);
    const state = await createOAuthState(kv, "/", START);
    equal(
      await consumeOAuthState(kv, state, state, START + OAUTH_STATE_TTL_MS),
      null,
    );
  });

  await t.step("two callbacks racing with one state: one wins", async () => {
    const state = await createOAuthState(kv, "/", START);
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        () => consumeOAuthState(kv, state, state, START),
      ),
    );
    equal(results.filter(Boolean).length, 1);
  });

  kv.close();
});
