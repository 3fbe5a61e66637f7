// The hashes and identifiers behind the secrets handed to browsers.
import { equal, match, notEqual, ok } from "node:assert/strict";
import { randomId, timingSafeEqual } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";

Deno.test("sha256Hex gives SHA-256 in hex, of the text's UTF-8", () => {
  // FIPS 180-2's examples; the last one's value is WebCrypto's.
  equal(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  equal(
    sha256Hex("美多"),
    "0a853ac86ad8bbc34b9acbc7f011e254e5dde973e7fa041fb0192eeecfc8c9c3",
  );
});

Deno.test("sha256Hex answers in place, not through a promise (a session lookup waits on no thread pool)", () => {
  const hash: unknown = sha256Hex("a session id");
  equal(typeof hash, "string");
  ok(!(hash instanceof Promise));
});

Deno.test("randomId is URL-safe and differs every time", () => {
  const ids = new Set(Array.from({ length: 100 }, () => randomId(16)));
  equal(ids.size, 100);
  for (const id of ids) match(id, /^[\w-]{22}$/);
  match(randomId(32), /^[\w-]{43}$/);
});

Deno.test("timingSafeEqual tells equal strings from different ones, of any length", () => {
  ok(timingSafeEqual("abc", "abc"));
  ok(!timingSafeEqual("abc", "abd"));
  ok(!timingSafeEqual("abc", "abcd"));
  notEqual(timingSafeEqual("", "a"), true);
});
