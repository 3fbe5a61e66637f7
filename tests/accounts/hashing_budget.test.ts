// The isolates of one process share its cores for hashing: `deno serve --parallel` may hand every
// connection to one isolate, which must then be able to hash on all of them. Here the isolate under
// test hashes for real; the other isolate is its budget alone, saying what the story needs it to.
import { deepEqual, equal, ok } from "node:assert/strict";
import {
  type HashingBudget,
  sharedHashingBudget,
} from "@/lib/accounts/hashing_budget.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { manualTimers } from "@/tests/_timers.ts";

const IDLE_MS = 60_000;

/**
 * Waits until what another isolate said has come through. A message within the process arrives in a
 * few turns of the event loop however busy the machine is, so the turns are counted, not the time.
 */
async function untilHeard(what: string, check: () => boolean) {
  for (let turn = 0; !check(); turn++) {
    if (turn === 1000) {
      throw new Error(`not heard after 1000 turns of the event loop: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** An isolate on two cores beside another one on the same channel; its threads end only when told. */
function isolateBeside(
  { otherFirst = false }: { otherFirst?: boolean } = {},
) {
  const channel = `bcrypt-test-${crypto.randomUUID()}`;
  // The other isolate as this one hears it: what it says over the channel, nothing more.
  let other: HashingBudget | undefined = otherFirst
    ? sharedHashingBudget(channel)
    : undefined;
  const budget = sharedHashingBudget(channel);
  other ??= sharedHashingBudget(channel);
  const timers = manualTimers();
  const hasher = createPasswordHasher(4, 2, {
    budget,
    idleMs: IDLE_MS,
    timers,
  });
  return {
    hasher,
    other,
    timers,
    /** Threads the other isolate hashes on, as this one has heard. */
    heard: () => budget.othersHashing(),
    [Symbol.dispose]() {
      hasher.close();
      other.close();
    },
  };
}

const hashes = (hasher: { hash(p: string): Promise<string> }, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) => hasher.hash(`password-${i}`)),
  );

Deno.test("an isolate that gets all the load hashes on every core while the others have nothing to hash", async () => {
  using isolate = isolateBeside();
  isolate.other.hashing(2);
  await untilHeard(
    "the other isolate hashing on both cores",
    () => isolate.heard() === 2,
  );
  isolate.other.hashing(0);
  await untilHeard(
    "the other isolate done hashing",
    () => isolate.heard() === 0,
  );
  await hashes(isolate.hasher, 6);
  equal(isolate.hasher.threads(), 2);
});

Deno.test("an isolate tells the others how many of its threads hash: an idle thread is not one", async () => {
  const said: number[] = [];
  const hasher = createPasswordHasher(4, 2, {
    budget: {
      othersHashing: () => 0,
      hashing: (n) => said.push(n),
      close() {},
    },
    timers: manualTimers(),
  });
  try {
    await hashes(hasher, 2);
    equal(hasher.threads(), 2, "both threads stay, idle");
    deepEqual(said, [1, 2, 1, 0]);
  } finally {
    hasher.close();
  }
});

Deno.test("while another isolate hashes, an isolate starts threads only for the cores left", async () => {
  using isolate = isolateBeside();
  isolate.other.hashing(1);
  await untilHeard("the other isolate hashing", () => isolate.heard() === 1);
  await hashes(isolate.hasher, 4);
  equal(isolate.hasher.threads(), 1, "one core was left");
});

Deno.test("an isolate with a job always has a thread, even when the others hash on every core", async () => {
  using isolate = isolateBeside();
  isolate.other.hashing(2);
  await untilHeard(
    "the other isolate hashing on both cores",
    () => isolate.heard() === 2,
  );
  const hash = await isolate.hasher.hash("secret123");
  ok(await isolate.hasher.verify("secret123", hash));
  equal(isolate.hasher.threads(), 1);
});

Deno.test("an isolate that starts while another hashes hears so, and stops counting it once it stops", async () => {
  using isolate = isolateBeside({ otherFirst: true });
  isolate.other.hashing(2);
  // Said before this isolate listened: the other answers its hello.
  await untilHeard("the other isolate's answer", () => isolate.heard() === 2);
  isolate.other.close();
  await untilHeard("the other isolate's goodbye", () => isolate.heard() === 0);
});

Deno.test("a thread with nothing to hash ends after a while, and the next job starts one", async () => {
  using isolate = isolateBeside();
  await hashes(isolate.hasher, 2);
  equal(isolate.hasher.threads(), 2);
  isolate.timers.advance(IDLE_MS - 1);
  equal(isolate.hasher.threads(), 2, "ended before its idle time was up");
  isolate.timers.advance(1);
  equal(isolate.hasher.threads(), 0);
  ok(await isolate.hasher.verify("a", await isolate.hasher.hash("a")));
  equal(isolate.hasher.threads(), 1);
});
