// The bind token: the hidden `access_token` of the bind form. It carries the identity to the bind POST,
// encrypted and authenticated (JWE, A256GCM) so it can be neither read nor forged, for 600 s, once.
//
// | key                      | value   | expires                   |
// | ------------------------ | ------- | ------------------------- |
// | ["bind_tokens_used", id] | true    | after the token would     |
import { EncryptJWT, jwtDecrypt } from "jose";
import { randomId } from "@/lib/_crypto.ts";

export const BIND_TOKEN_TTL_S = 600;

export interface BindClaims {
  provider: string;
  uid: string;
  unionid?: string;
  nickname: string | null;
  next: string;
}

export interface OpenedBindToken extends BindClaims {
  /** The single-use key: the bind's write must check it is absent and set it. */
  usedKey: Deno.KvKey;
  expiresAt: number;
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The token's key, derived from SECRET_KEY so no other use of that secret can produce it. */
function tokenKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      "HKDF",
      false,
      ["deriveKey"],
    )
      .then((material) =>
        crypto.subtle.deriveKey(
          {
            name: "HKDF",
            hash: "SHA-256",
            salt: new Uint8Array(),
            info: new TextEncoder().encode("qq bind token"),
          },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        )
      );
    keys.set(secret, key);
  }
  return key;
}

export async function sealBindToken(
  secret: string,
  claims: BindClaims,
  now: number,
): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return await new EncryptJWT({ ...claims })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setJti(randomId(16))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + BIND_TOKEN_TTL_S)
    .encrypt(await tokenKey(secret));
}

/** The claims of a genuine, unexpired token, or null. Whether it was used already is the bind's check. */
export async function openBindToken(
  secret: string,
  token: string,
  now: number,
): Promise<OpenedBindToken | null> {
  if (!token || token.length > 4096) return null;
  try {
    const { payload } = await jwtDecrypt(token, await tokenKey(secret), {
      currentDate: new Date(now),
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    const { provider, uid, unionid, nickname, next, jti, exp } = payload;
    if (
      typeof provider !== "string" || typeof uid !== "string" ||
      typeof next !== "string" || typeof jti !== "string" || !exp
    ) return null;
    return {
      provider,
      uid,
      ...(typeof unionid === "string" ? { unionid } : {}),
      nickname: typeof nickname === "string" ? nickname : null,
      next,
      usedKey: ["bind_tokens_used", jti],
      expiresAt: exp * 1000,
    };
  } catch {
    return null;
  }
}

/** Adds "this token is now used" to `op`, which then fails if it was used meanwhile. */
export function useBindTokenIn(
  op: Deno.AtomicOperation,
  token: OpenedBindToken,
  now: number,
): Deno.AtomicOperation {
  return op
    .check({ key: token.usedKey, versionstamp: null })
    .set(token.usedKey, true, {
      expireIn: Math.max(1000, token.expiresAt - now + 60_000),
    });
}

export async function isBindTokenUsed(
  kv: Deno.Kv,
  token: OpenedBindToken,
): Promise<boolean> {
  return (await kv.get(token.usedKey)).versionstamp !== null;
}
