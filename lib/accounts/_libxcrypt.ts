// bcrypt in C: the system's libxcrypt (libcrypt.so.1 on Debian and most Linux distributions), called
// through Deno's FFI. Its bcrypt hashed about 1.16× as fast as hash-wasm's WebAssembly on this
// machine (78 ms against 91 at cost 10), and no npm package binds it for Deno, hence these few lines.
// Where FFI is not allowed or the library is missing or lacks bcrypt (Deno Deploy, macOS, a narrower
// permission set), `openLibxcrypt()` is null and hash-wasm does the work: both read and write the same
// `$2a$`/`$2b$` hashes, so either verifies what the other made.
import { timingSafeEqual } from "@/lib/core/crypto.ts";

export interface NativeBcrypt {
  /** A new `$2b$` hash of `password` at `cost`, with 16 random bytes of salt. */
  hash(password: string, cost: number): string;
  /** `password` as text, or as bytes (a Django hash's input, which need not be whole UTF-8). */
  verify(password: string | Uint8Array, hash: string): boolean;
}

/** sizeof(struct crypt_data) in libxcrypt 4: the scratch space crypt_rn works in. */
const CRYPT_DATA_SIZE = 32768;
/** bcrypt reads at most 72 bytes of a password; hash-wasm refuses longer ones, and so does this. */
export const MAX_PASSWORD_BYTES = 72;
export const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
// crypt_blowfish's own known answer: a library whose bcrypt does not give it is not used.
const KNOWN = {
  password: "U*U",
  hash: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
};

const SYMBOLS = {
  crypt_rn: {
    parameters: ["buffer", "buffer", "buffer", "i32"],
    result: "pointer",
  },
  crypt_gensalt_rn: {
    parameters: ["buffer", "u64", "buffer", "i32", "buffer", "i32"],
    result: "pointer",
  },
} as const;

/** libxcrypt's bcrypt, or null where it cannot be loaded or does not answer right. */
export function openLibxcrypt(): NativeBcrypt | null {
  let library: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    library = Deno.dlopen("libcrypt.so.1", SYMBOLS);
  } catch {
    return null; // no FFI permission, no such library, or no crypt_rn in it
  }
  const { crypt_rn, crypt_gensalt_rn } = library.symbols;
  // One job at a time per thread (the calls are synchronous), so one scratch space is enough.
  const scratch = new Uint8Array(CRYPT_DATA_SIZE);
  const encoder = new TextEncoder();
  const cString = (text: string) => encoder.encode(text + "\0");
  // A NUL would end the password early in C: such a password is refused rather than cut short.
  const passphrase = (password: string | Uint8Array) => {
    const bytes = typeof password === "string"
      ? encoder.encode(password)
      : password;
    if (bytes.length > MAX_PASSWORD_BYTES || bytes.includes(0)) return null;
    const phrase = new Uint8Array(bytes.length + 1);
    phrase.set(bytes);
    return phrase;
  };
  const crypt = (phrase: Uint8Array, setting: string) => {
    const result = crypt_rn(phrase, cString(setting), scratch, CRYPT_DATA_SIZE);
    return result === null ? null : Deno.UnsafePointerView.getCString(result);
  };

  const bcrypt: NativeBcrypt = {
    hash(password, cost) {
      const phrase = passphrase(password);
      if (!phrase) {
        throw new RangeError(
          `A password for bcrypt is at most ${MAX_PASSWORD_BYTES} bytes, with no NUL`,
        );
      }
      const setting = new Uint8Array(64);
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const made = crypt_gensalt_rn(
        cString("$2b$"),
        BigInt(cost),
        salt,
        salt.length,
        setting,
        setting.length,
      );
      const hash = made &&
        crypt(
          phrase,
          new TextDecoder().decode(setting.subarray(0, setting.indexOf(0))),
        );
      if (!hash || !BCRYPT_HASH.test(hash)) {
        throw new Error(`libxcrypt's bcrypt failed at cost ${cost}`);
      }
      return hash;
    },
    verify(password, hash) {
      const phrase = passphrase(password);
      // Anything but a bcrypt hash would make crypt() run another algorithm: it matches nothing.
      if (!phrase || !BCRYPT_HASH.test(hash)) return false;
      const computed = crypt(phrase, hash);
      return computed !== null && timingSafeEqual(computed, hash);
    },
  };
  try {
    if (bcrypt.verify(KNOWN.password, KNOWN.hash)) return bcrypt;
  } catch {
    // a library that fails its own known answer is not used
  }
  library.close();
  return null;
}
