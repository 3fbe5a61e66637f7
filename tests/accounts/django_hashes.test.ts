import { equal } from "node:assert/strict";
import { bcryptVerify } from "hash-wasm";
import {
  djangoAlgorithm,
  verifyDjangoHash,
} from "@/lib/accounts/django_hashes.ts";
import { openLibxcrypt } from "@/lib/accounts/_libxcrypt.ts";
import { djangoHashOf, ONE_OF_EACH_HASHER } from "@/tests/_django_shop.ts";

const native = openLibxcrypt();
const BCRYPTS = {
  "hash-wasm": (password: Uint8Array, hash: string) =>
    bcryptVerify({ password, hash }).catch(() => false),
  ...(native
    ? {
      libxcrypt: (password: Uint8Array, hash: string) =>
        native.verify(password, hash),
    }
    : {}),
};

Deno.test("Django's hashes, made by Django itself, are checked as Django checks them", async (t) => {
  for (const person of ONE_OF_EACH_HASHER) {
    const hash = djangoHashOf(person.username);
    // Only the bcrypt ones run through the thread's bcrypt: they are checked with each the app may have.
    const bcrypts = person.hasher.startsWith("bcrypt")
      ? Object.entries(BCRYPTS)
      : Object.entries(BCRYPTS).slice(0, 1);
    for (const [name, bcrypt] of bcrypts) {
      await t.step(`${person.hasher} (bcrypt by ${name})`, async () => {
        equal(await verifyDjangoHash(person.password, hash, bcrypt), true);
        equal(
          await verifyDjangoHash(person.password.toLowerCase(), hash, bcrypt),
          false,
        );
      });
    }
  }
});

Deno.test("a hash Django would not accept matches nothing and throws nothing", async (t) => {
  const pbkdf2 = djangoHashOf("li36000");
  const [, , salt, key] = pbkdf2.split("$");
  const password = "Meiduo36000";
  const bcrypt = BCRYPTS["hash-wasm"];
  const cases: Record<string, string> = {
    "an unusable password": djangoHashOf("feng_unusable"),
    "the iterations written with a leading zero":
      `pbkdf2_sha256$036000$${salt}$${key}`,
    "the iterations missing": `pbkdf2_sha256$$${salt}$${key}`,
    "a part missing": `pbkdf2_sha256$36000$${salt}`,
    "the key cut short": pbkdf2.slice(0, -4),
    "the salt changed": pbkdf2.replace(salt, salt.slice(1)),
    "sha1 named over a sha256 key": pbkdf2.replace(
      "pbkdf2_sha256",
      "pbkdf2_sha1",
    ),
    "an argon2 hash without its version": djangoHashOf("wu_argon2").replace(
      "v=19$",
      "",
    ),
    "a bcrypt hash cut short": djangoHashOf("zhou_bcrypt").slice(0, -1),
    "an empty string": "",
  };
  for (const [story, hash] of Object.entries(cases)) {
    await t.step(story, async () => {
      equal(await verifyDjangoHash(password, hash, bcrypt), false);
    });
  }
});

Deno.test("only the hashers Django ships for passwords are named", () => {
  equal(djangoAlgorithm(djangoHashOf("wu_argon2")), "argon2");
  equal(djangoAlgorithm(djangoHashOf("sun_bcrypt_sha256")), "bcrypt_sha256");
  equal(
    djangoAlgorithm("md5$salt$0123"),
    null,
    "salted MD5 is not carried over",
  );
  equal(djangoAlgorithm("sha1$$0123"), null);
  equal(
    djangoAlgorithm(
      "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
    ),
    null,
  );
  equal(djangoAlgorithm(djangoHashOf("feng_unusable")), null);
});
