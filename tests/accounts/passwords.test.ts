import { equal, ok } from "node:assert/strict";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";

Deno.test("passwords", async (t) => {
  const hasher = createPasswordHasher(4, 2);

  await t.step("a hash verifies its password and no other", async () => {
    const hash = await hasher.hash("secret123");
    ok(hash.startsWith("$2"));
    ok(await hasher.verify("secret123", hash));
    equal(await hasher.verify("secret124", hash), false);
  });

  await t.step(
    "the same password hashes differently each time (salted)",
    async () => {
      const [first, second] = await Promise.all([
        hasher.hash("secret123"),
        hasher.hash("secret123"),
      ]);
      ok(first !== second);
    },
  );

  await t.step(
    "a malformed hash verifies nothing and throws nothing",
    async () => {
      equal(await hasher.verify("secret123", "not a bcrypt hash"), false);
    },
  );

  await t.step(
    "verifying for no one resolves after doing the work",
    async () => {
      // The work is a real verification, at the hasher's cost, of a hash no password matches.
      const verify = hasher.verify;
      const verified: { hash: string; matched: boolean }[] = [];
      hasher.verify = async (password, hash) => {
        const matched = await verify(password, hash);
        verified.push({ hash, matched });
        return matched;
      };
      try {
        await hasher.verifyNothing("whatever");
      } finally {
        hasher.verify = verify;
      }
      equal(verified.length, 1, "one verification, done before it resolved");
      const [{ hash, matched }] = verified;
      ok(/^\$2[aby]\$04\$/.test(hash), `a cost-4 bcrypt hash: ${hash}`);
      equal(matched, false);
    },
  );

  await t.step(
    "a job after close runs in place instead of waiting on the closed workers",
    async () => {
      hasher.close();
      const hash = await hasher.hash("secret123");
      ok(await hasher.verify("secret123", hash));
    },
  );
});

Deno.test("a hasher closed before its first job starts no workers for later ones", async () => {
  const hasher = createPasswordHasher(4, 2);
  hasher.close();
  ok(await hasher.verify("secret123", await hasher.hash("secret123")));
});

Deno.test("hashing runs off the main thread, so other work goes on meanwhile", async () => {
  const hasher = createPasswordHasher(12, 1);
  await hasher.hash("warm up the worker"); // the first call also loads the WASM module
  let ticks = 0;
  let hashing = true;
  const tick = (): void => {
    ticks++;
    if (hashing) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  await hasher.hash("secret123");
  hashing = false;
  // Hashed on this thread, the event loop would be stuck for the whole hash: no timer could run.
  ok(ticks > 10, `only ${ticks} timer turns ran during a cost-12 hash`);
  hasher.close();
});

/** This process's threads by id, with their nice values; one that ends while they are read is left out. */
function threadNices(): Map<string, number> {
  const nices = new Map<string, number>();
  for (const { name } of Deno.readDirSync("/proc/self/task")) {
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/self/task/${name}/stat`);
    } catch {
      continue;
    }
    // Field 19 is the nice value; fields are counted after the command name, which may hold spaces.
    nices.set(
      name,
      Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]),
    );
  }
  return nices;
}

Deno.test("the hashing threads run at the lowest priority, so page requests come first", async () => {
  if (Deno.build.os !== "linux") {
    throw new Error("this check reads /proc: run it on Linux");
  }
  // Threads of hashers closed earlier may still be ending: only the threads this hasher starts count.
  const before = threadNices();
  const hasher = createPasswordHasher(4, 2);
  await Promise.all([hasher.hash("a"), hasher.hash("b")]);
  const after = threadNices();
  hasher.close();
  const started = [...after].filter(([thread]) => !before.has(thread));
  equal(
    started.filter(([, nice]) => nice === 19).length,
    2,
    `the threads it started, with their nice values: ${
      JSON.stringify(started)
    }`,
  );
  equal(
    after.get(String(Deno.pid)),
    0,
    "the main thread keeps its priority",
  );
});

Deno.test("closeWhenIdle lets the hashes in flight finish, then hashes on the calling thread", async () => {
  const hasher = createPasswordHasher(4, 2);
  const inFlight = Promise.all([
    hasher.hash("secret123"),
    hasher.hash("abc12345"),
  ]);
  hasher.closeWhenIdle();
  const [first, second] = await inFlight;
  ok(await hasher.verify("secret123", first));
  ok(await hasher.verify("abc12345", second));
  // With its workers gone nothing keeps the process alive, which the test's leak check would catch.
  equal(await hasher.verify("wrong", first), false);
});

Deno.test("an unusable or unknown hash matches nothing, after the work of a real check", async () => {
  const hasher = createPasswordHasher(4, 1);
  let spent = 0;
  const verifyNothing = hasher.verifyNothing;
  hasher.verifyNothing = (password) => (spent++, verifyNothing(password));
  for (
    const hash of [
      "!unusable0123456789",
      "md5$salt$0123456789abcdef",
      "",
      "sha1$$0123",
    ]
  ) {
    equal(await hasher.verify("secret123", hash), false);
  }
  equal(spent, 4);
  hasher.close();
});
