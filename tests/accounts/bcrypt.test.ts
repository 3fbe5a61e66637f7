// bcrypt in C (libxcrypt through FFI) where Deno may load it, hash-wasm elsewhere: the same hashes
// either way, so an account made on one host logs in on another.
import { equal, match, ok, rejects, throws } from "node:assert/strict";
import { openLibxcrypt } from "@/lib/accounts/_libxcrypt.ts";
import { runPasswordJob } from "@/lib/accounts/_password_worker.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";

const onLinux = Deno.build.os === "linux";
/** No libxcrypt: the job runs in hash-wasm. */
const wasmOnly = null;

Deno.test({
  name:
    "on Linux the hasher's workers hash in C: libxcrypt's $2b$, not hash-wasm's $2a$",
  ignore: !onLinux,
  async fn() {
    ok(
      openLibxcrypt(),
      "libxcrypt (libcrypt.so.1) loads and gives bcrypt's known answer",
    );
    const hasher = createPasswordHasher(4, 1);
    try {
      const hash = await hasher.hash("secret123");
      match(hash, /^\$2b\$04\$[./A-Za-z0-9]{53}$/);
      ok(await hasher.verify("secret123", hash));
      equal(await hasher.verify("secret124", hash), false);
    } finally {
      hasher.close();
    }
  },
});

Deno.test({
  name: "what either bcrypt makes, the other verifies",
  ignore: !onLinux,
  async fn() {
    const native = openLibxcrypt()!;
    const fromC = native.hash("secret123", 4);
    ok(
      await runPasswordJob(
        { id: 0, kind: "verify", password: "secret123", hash: fromC },
        wasmOnly,
      ),
    );
    const fromWasm = await runPasswordJob(
      { id: 1, kind: "hash", password: "secret123", cost: 4 },
      wasmOnly,
    ) as string;
    match(fromWasm, /^\$2a\$04\$/);
    ok(native.verify("secret123", fromWasm));
    equal(native.verify("secret12", fromWasm), false);
  },
});

Deno.test({
  name:
    "libxcrypt refuses what hash-wasm refuses, and never cuts a password short",
  ignore: !onLinux,
  async fn() {
    const native = openLibxcrypt()!;
    const hash = native.hash("secret123", 4);
    // A NUL would end the password in C: "secret123\0anything" must not pass for "secret123".
    equal(native.verify("secret123\0anything", hash), false);
    equal(native.verify("x".repeat(73), hash), false);
    throws(() => native.hash("x".repeat(73), 4), RangeError);
    await rejects(
      runPasswordJob(
        { id: 2, kind: "hash", password: "x".repeat(73), cost: 4 },
        wasmOnly,
      ),
    );
    // Not a bcrypt hash: crypt() would run another algorithm on it (DES for "ab…"); it matches nothing.
    equal(native.verify("secret123", "abJnggxhB/yJU"), false);
    equal(native.verify("secret123", "not a bcrypt hash"), false);
    // Non-ASCII passwords are hashed as UTF-8 by both.
    const utf8 = native.hash("密码secret", 4);
    ok(
      await runPasswordJob(
        { id: 3, kind: "verify", password: "密码secret", hash: utf8 },
        wasmOnly,
      ),
    );
  },
});

Deno.test("without libxcrypt the hasher's jobs run in hash-wasm", async () => {
  const hash = await runPasswordJob(
    { id: 0, kind: "hash", password: "secret123", cost: 4 },
    wasmOnly,
  ) as string;
  match(hash, /^\$2a\$04\$/);
  ok(
    await runPasswordJob(
      { id: 1, kind: "verify", password: "secret123", hash },
      wasmOnly,
    ),
  );
  equal(
    await runPasswordJob(
      { id: 2, kind: "verify", password: "secret123", hash: "not a hash" },
      wasmOnly,
    ),
    false,
  );
});
