// SHA-256 for the server: secrets handed to browsers are stored only by their hash. In place, by
// @noble/hashes (about 5 µs for a session id here): WebCrypto's digest is a round trip through a
// thread pool (about 40 µs of a request's main thread), and node:crypto would load Deno's Node layer
// at start-up (about 40 ms more before the first answer).
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const encoder = new TextEncoder();

/** SHA-256 of `value` (a string's UTF-8), hex. */
export function sha256Hex(value: string | Uint8Array): string {
  return bytesToHex(
    sha256(typeof value === "string" ? encoder.encode(value) : value),
  );
}
