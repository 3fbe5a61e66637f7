// SHA-256 for the server: secrets handed to browsers are stored only by their hash. Not for islands:
// node:crypto has no browser build.
import { createHash } from "node:crypto";

/**
 * SHA-256 of `value`, hex: secrets handed to browsers are stored only by their hash. node:crypto's, which
 * hashes in place: WebCrypto's digest is a round trip through a thread pool, about 40 µs of a request's
 * main thread for a few bytes against about 2.
 */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
