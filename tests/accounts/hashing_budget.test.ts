// The isolates of one process share its cores for hashing: `deno serve --parallel` may hand every
// connection to one isolate, which must then be able to hash on all of them.
import { equal, ok } from "node:assert/strict";
import { sharedHashingBudget } from "@/lib/accounts/hashing_budget.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(5);
  }
}

/** Two hashers as two isolates would have them: two cores between them, one channel. */
function twoIsolates(
  costs: [number, number],
  { idleMs }: { idleMs?: number } = {},
) {
  const channel = `bcrypt-test-${crypto.randomUUID()}`;
  const budgets = [sharedHashingBudget(channel), sharedHashingBudget(channel)];
  const [first, second] = budgets.map((budget, i) =>
    createPasswordHasher(costs[i], 2, { budget, idleMs })
  );
  return {
    first,
    second,
    /** What the first hears of the second. */
    secondHashing: () => budgets[0].othersHashing(),
    [Symbol.dispose]() {
      first.close();
      second.close();
    },
  };
}

const hashes = (hasher: { hash(p: string): Promise<string> }, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) => hasher.hash(`password-${i}`)),
  );

Deno.test("an isolate that gets all the load hashes on every core while the others have nothing to hash", async () => {
  using isolates = twoIsolates([4, 4]);
  // The second hashed once and keeps an idle thread: idle threads do not count against the cores.
  await isolates.second.hash("secret123");
  equal(isolates.second.threads(), 1);
  await hashes(isolates.first, 6);
  equal(isolates.first.threads(), 2);
});

Deno.test("while another isolate hashes, an isolate starts threads only for the cores left", async () => {
  using isolates = twoIsolates([4, 13]);
  const slow = isolates.second.hash("a slow one");
  await until(
    "the other isolate's word that it hashes",
    () => isolates.secondHashing() === 1,
  );
  await hashes(isolates.first, 4);
  equal(isolates.first.threads(), 1, "one core was left");
  await slow;
});

Deno.test("an isolate with a job always has a thread, even when the others hash on every core", async () => {
  using isolates = twoIsolates([4, 13]);
  const slow = hashes(isolates.second, 2);
  await until(
    "the other isolate's word that it hashes on both cores",
    () => isolates.secondHashing() === 2,
  );
  const hash = await isolates.first.hash("secret123");
  ok(await isolates.first.verify("secret123", hash));
  equal(isolates.first.threads(), 1);
  await slow;
});

Deno.test("a thread with nothing to hash ends after a while, and the next job starts one", async () => {
  using isolates = twoIsolates([4, 4], { idleMs: 50 });
  await hashes(isolates.first, 2);
  equal(isolates.first.threads(), 2);
  await until("the idle threads' end", () => isolates.first.threads() === 0);
  ok(await isolates.first.verify("a", await isolates.first.hash("a")));
});
