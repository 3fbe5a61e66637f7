// Django's password hashes, checked as django.contrib.auth.hashers checks them, so that a shop's
// customers moved over by `deno task import:django` keep their passwords. Each hash is re-made from the
// password and what the stored one says (algorithm, work factor, salt) and compared whole in constant
// time, as Django's verify() does. Only the hashing threads run these (lib/accounts/_password_worker.ts);
// the first success replaces the hash with the app's bcrypt (lib/accounts/password_upgrade.ts).
import { timingSafeEqual } from "@/lib/core/crypto.ts";

export type DjangoAlgorithm =
  | "pbkdf2_sha256"
  | "pbkdf2_sha1"
  | "bcrypt_sha256"
  | "bcrypt"
  | "argon2";

/** bcrypt as the hashing thread has it: whether `password`'s bytes match the `$2…$` hash. */
export type BcryptCheck = (
  password: Uint8Array,
  hash: string,
) => boolean | Promise<boolean>;

const ALGORITHMS: readonly DjangoAlgorithm[] = [
  "pbkdf2_sha256",
  "pbkdf2_sha1",
  "bcrypt_sha256",
  "bcrypt",
  "argon2",
];
// bcrypt reads 72 bytes of a password; python's bcrypt cuts longer ones there, and so does Django's hash.
const BCRYPT_MAX_BYTES = 72;
const encoder = new TextEncoder();

/**
 * The Django algorithm `encoded` names, when it is one of those this app checks; null for anything else:
 * the app's own bcrypt, an unusable password (`!…`), an unsalted or retired Django hash.
 */
export function djangoAlgorithm(encoded: string): DjangoAlgorithm | null {
  const name = encoded.slice(0, encoded.indexOf("$"));
  return (ALGORITHMS as readonly string[]).includes(name)
    ? name as DjangoAlgorithm
    : null;
}

/** Whether `password` is the one Django hashed into `encoded`; false for any hash it cannot read. */
export async function verifyDjangoHash(
  password: string,
  encoded: string,
  bcrypt: BcryptCheck,
): Promise<boolean> {
  try {
    switch (djangoAlgorithm(encoded)) {
      case "pbkdf2_sha256":
        return await verifyPbkdf2(password, encoded, "SHA-256", 256);
      case "pbkdf2_sha1":
        return await verifyPbkdf2(password, encoded, "SHA-1", 160);
      case "bcrypt_sha256":
        return await verifyBcrypt(password, encoded, true, bcrypt);
      case "bcrypt":
        return await verifyBcrypt(password, encoded, false, bcrypt);
      case "argon2":
        return await verifyArgon2(password, encoded);
      default:
        return false;
    }
  } catch {
    // A hash Django itself would have failed on (it raises there): it matches nothing.
    return false;
  }
}

/** Python's `text.split("$", parts - 1)`. */
function splitDollars(text: string, parts: number): string[] {
  const pieces = text.split("$");
  return pieces.length <= parts
    ? pieces
    : [...pieces.slice(0, parts - 1), pieces.slice(parts - 1).join("$")];
}

/** `pbkdf2_sha256$<iterations>$<salt>$<base64 of the key>`, the iterations those of the Django that set it. */
async function verifyPbkdf2(
  password: string,
  encoded: string,
  hash: "SHA-256" | "SHA-1",
  bits: number,
): Promise<boolean> {
  const [algorithm, count, salt] = splitDollars(encoded, 4);
  // Django re-encodes the count with %d: one written any other way (a sign, leading zeros) never matches.
  if (!/^[1-9]\d{0,9}$/.test(count) || Number(count) > 0xffffffff) {
    return false;
  }
  if (!salt || salt.includes("$")) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const derived = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash,
      salt: encoder.encode(salt),
      iterations: Number(count),
    },
    key,
    bits,
  );
  const remade = `${algorithm}$${count}$${salt}$${base64(derived)}`;
  return timingSafeEqual(remade, encoded);
}

/**
 * `bcrypt_sha256$$2b$12$…`: bcrypt of the hex SHA-256 of the password (Django's answer to bcrypt's
 * 72-byte limit); `bcrypt$$2b$12$…`: bcrypt of the password itself, cut at 72 bytes.
 */
async function verifyBcrypt(
  password: string,
  encoded: string,
  sha256First: boolean,
  bcrypt: BcryptCheck,
): Promise<boolean> {
  const data = encoded.slice(encoded.indexOf("$") + 1);
  const bytes = encoder.encode(password);
  const input = sha256First
    ? encoder.encode(hex(await crypto.subtle.digest("SHA-256", bytes)))
    : bytes.subarray(0, BCRYPT_MAX_BYTES);
  return await bcrypt(input, data);
}

const ARGON2 =
  /^argon2\$argon2(id|i|d)\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>`: argon2-cffi's encoding behind Django's name (argon2i
 * before Django 3.2). hash-wasm computes version 19 only, the one every argon2-cffi that Django supports
 * writes; an older one matches nothing.
 */
async function verifyArgon2(
  password: string,
  encoded: string,
): Promise<boolean> {
  const match = encoded.match(ARGON2);
  if (!match) return false;
  const [, variety, memory, time, lanes, salt, stored] = match;
  const expected = fromBase64(stored);
  const { argon2d, argon2i, argon2id } = await import("hash-wasm");
  const argon2 = { d: argon2d, i: argon2i, id: argon2id }[variety]!;
  const computed = await argon2({
    password,
    salt: fromBase64(salt),
    iterations: Number(time),
    parallelism: Number(lanes),
    memorySize: Number(memory),
    hashLength: expected.length,
    outputType: "binary",
  });
  return timingSafeEqual(base64(computed), base64(expected));
}

function base64(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/** Standard base64, padded or not (argon2 leaves the padding out). */
function fromBase64(text: string): Uint8Array {
  const padded = text + "=".repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(
    new Uint8Array(bytes),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}
