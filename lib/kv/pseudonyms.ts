// Mobiles, logins, client addresses and provider uids, where the store keeps them only to find a row
// again (rate limits, SMS codes, the audit trail): as a keyed hash, HMAC-SHA256 under a key derived from
// SECRET_KEY. A copy of the store gives none of them back, not even to someone trying every mobile (the
// key is not in it), and a deleted account leaves nothing behind to erase. The app gives its store the
// key once, when it opens it (lib/app/app.ts).
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** What is hashed: each kind in its own space, so a login that is a mobile is not found as that mobile. */
export type PseudonymKind = "mobile" | "login" | "address" | "uid";

// Marked pure: lib/sms/codes.ts, which islands import for its constants, imports this file, and the
// island bundles then leave it out whole.
const encoder = /* @__PURE__ */ new TextEncoder();
// On the store object itself rather than in a WeakMap beside it: a wrapper of the store (a Proxy that
// retries writes, a test's that interleaves them) reads it through.
const KEY = /* @__PURE__ */ Symbol("pseudonym key");
type Keyed = Deno.Kv & { [KEY]?: Uint8Array };

/** Derives the store's pseudonym key from SECRET_KEY (never the key itself, which signs other things). */
export function givePseudonymKey(kv: Deno.Kv, secretKey: string): void {
  Object.defineProperty(kv, KEY, {
    value: hmac(
      sha256,
      encoder.encode(secretKey),
      encoder.encode("pseudonyms"),
    ),
    configurable: true,
  });
}

/** `value`'s stand-in in `kv`: 32 hex characters, the same under one SECRET_KEY. */
export function pseudonym(
  kv: Deno.Kv,
  kind: PseudonymKind,
  value: string,
): string {
  const key = (kv as Keyed)[KEY];
  if (!key) {
    throw new Error("This store was given no pseudonym key (createApp does)");
  }
  return bytesToHex(hmac(sha256, key, encoder.encode(`${kind}:${value}`)))
    .slice(0, 32);
}
