import assert from "node:assert/strict";
import { openSharedKv, retryingWhenLocked } from "@/lib/kv/shared_kv.ts";

const locked = () => new TypeError("database is locked");
const noPause = () => Promise.resolve();

Deno.test("a write that finds the KV file locked by another connection is tried again", async (t) => {
  await using kv = await Deno.openKv(":memory:");

  await t.step(
    "a commit that meets the lock twice lands on the third try",
    async () => {
      let failures = 2;
      const flaky = new Proxy(kv, {
        get(target, property) {
          if (property !== "atomic") {
            const value = Reflect.get(target, property, target);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return () => {
            const operation = target.atomic();
            const commit = operation.commit.bind(operation);
            operation.commit = () =>
              failures-- > 0 ? Promise.reject(locked()) : commit();
            return operation;
          };
        },
      });
      const shared = retryingWhenLocked(flaky, noPause);
      const result = await shared.atomic().check({
        key: ["a"],
        versionstamp: null,
      })
        .set(["a"], 1).commit();
      assert.equal(result.ok, true);
      assert.equal(failures, -1);
      assert.equal((await kv.get(["a"])).value, 1);
    },
  );

  await t.step("set, delete, get and getMany are tried again too", async () => {
    const calls: string[] = [];
    const once = new Set<string>();
    const flaky = new Proxy(kv, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const name = String(property);
          calls.push(name);
          if (!once.has(name)) {
            once.add(name);
            return Promise.reject(locked());
          }
          return value.apply(target, args);
        };
      },
    });
    const shared = retryingWhenLocked(flaky, noPause);
    await shared.set(["b"], "x");
    assert.equal((await shared.get(["b"])).value, "x");
    assert.deepEqual((await shared.getMany([["b"]])).map((e) => e.value), [
      "x",
    ]);
    await shared.delete(["b"]);
    assert.equal((await kv.get(["b"])).value, null);
    assert.deepEqual(calls, [
      "set",
      "set",
      "get",
      "get",
      "getMany",
      "getMany",
      "delete",
      "delete",
    ]);
  });

  await t.step("any other error is the caller's at once", async () => {
    let tries = 0;
    const broken = new Proxy(kv, {
      get(target, property) {
        if (property !== "set") return Reflect.get(target, property, target);
        return () => {
          tries++;
          return Promise.reject(new TypeError("Value too large"));
        };
      },
    });
    await assert.rejects(
      retryingWhenLocked(broken, noPause).set(["c"], 1),
      /Value too large/,
    );
    assert.equal(tries, 1);
  });
});

Deno.test("two connections to one KV file count 100 concurrent increments exactly", async () => {
  const dir = await Deno.makeTempDir();
  const [first, second] = await Promise.all([
    openSharedKv(`${dir}/shared.kv`),
    openSharedKv(`${dir}/shared.kv`),
  ]);
  try {
    const increment = async (kv: Deno.Kv) => {
      for (;;) {
        const current = await kv.get<number>(["count"]);
        const done = await kv.atomic().check(current)
          .set(["count"], (current.value ?? 0) + 1).commit();
        if (done.ok) return;
      }
    };
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => increment(i % 2 ? first : second)),
    );
    assert.equal((await first.get(["count"])).value, 100);
  } finally {
    first.close();
    second.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("opening the KV file while another isolate sets it up is tried again", async (t) => {
  await t.step(
    "an open that meets the lock twice opens on the third try",
    async () => {
      let failures = 2;
      const open = (path?: string) =>
        failures-- > 0 ? Promise.reject(locked()) : Deno.openKv(path);
      await using kv = await openSharedKv(":memory:", open, noPause);
      await kv.set(["a"], 1);
      assert.equal((await kv.get(["a"])).value, 1);
      assert.equal(failures, -1);
    },
  );
  await t.step("any other failure to open is not", async () => {
    let tries = 0;
    const open = () => {
      tries++;
      return Promise.reject(new Deno.errors.PermissionDenied("no"));
    };
    await assert.rejects(
      openSharedKv("/nowhere/kv", open, noPause),
      Deno.errors.PermissionDenied,
    );
    assert.equal(tries, 1);
  });
});
