// Random identifiers, hashes and comparisons for the secrets the app hands to browsers.
import { createHash } from "node:crypto";

/** A random identifier with `bytes` bytes of entropy, URL-safe. */
export function randomId(bytes = 16): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  ).replace(/=+$/, "");
}

/**
 * SHA-256 of `value`, hex: secrets handed to browsers are stored only by their hash. node:crypto's, which
 * hashes in place: WebCrypto's digest is a round trip through a thread pool, about 40 µs of a request's
 * main thread for a few bytes against about 2.
 */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Compares two strings in time that depends only on their lengths. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}
