// A store with many accounts for the "at a million accounts" figures, written straight into a KV file
// with the app's own key builders (lib/accounts/users.ts, lib/social/bindings.ts,
// lib/sessions/sessions.ts): per account a user and its two indexes, a QQ binding and its index, and two
// sessions and their indexes. Rows go in large atomic batches, each table in key order (SQLite appends
// rather than splitting pages all over the file). The accounts are numbered: account i's mobile, user
// id and openid follow from i, so the figures can log in as any of them.
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import {
  mobileKey,
  type User,
  userKey,
  usernameKey,
} from "@/lib/accounts/users.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { consentKey, consentTo } from "@/lib/legal/consents.ts";
import { readLegalTexts } from "@/lib/legal/texts.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import {
  type Binding,
  bindingByUserKey,
  bindingKey,
} from "@/lib/social/bindings.ts";
import {
  byUserKey,
  type Session,
  SESSION_TTL_MS,
  sessionKey,
} from "@/lib/sessions/sessions.ts";

/** Every seeded account's password. */
export const SEEDED_PASSWORD = "seeded2024pass";
export const SESSIONS_PER_ACCOUNT = 2;
/** Deno KV takes at most 1,000 mutations in one atomic write. */
const BATCH = 1000;
const USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** Account i: 130 followed by i (the bench's new binds use 139…). */
export const seededMobile = (i: number) => `130${String(i).padStart(8, "0")}`;
/** A UUID v4 in form, in account order. */
export const seededUserId = (i: number) =>
  `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
/** 32 hex digits, as QQ's openids are, in account order. */
export const seededOpenid = (i: number) =>
  `5EED${i.toString(16).toUpperCase().padStart(28, "0")}`;

export interface SeedProgress {
  table: string;
  rows: number;
}

/**
 * Writes `accounts` accounts into the KV file at `path` (which should not exist yet); returns how many
 * rows it wrote.
 */
export async function seedStore(
  path: string,
  accounts: number,
  onProgress: (progress: SeedProgress) => void = () => {},
): Promise<number> {
  const hasher = createPasswordHasher(10, 1);
  const passwordHash = await hasher.hash(SEEDED_PASSWORD);
  hasher.close();
  const now = Date.now();
  const kv = await Deno.openKv(path);
  let rows = 0;
  try {
    const write = async (
      table: string,
      count: number,
      row: (i: number) => [Deno.KvKey, unknown, { expireIn?: number }?],
    ) => {
      for (let start = 0; start < count; start += BATCH) {
        const op = kv.atomic();
        for (let i = start; i < Math.min(count, start + BATCH); i++) {
          const [key, value, options] = row(i);
          op.set(key, value, options);
        }
        const { ok } = await op.commit();
        if (!ok) throw new Error(`seeding ${table} failed at row ${start}`);
        rows += Math.min(BATCH, count - start);
        onProgress({ table, rows });
      }
    };
    const user = (i: number): User => ({
      id: seededUserId(i),
      username: seededMobile(i),
      mobile: seededMobile(i),
      passwordHash,
      createdAt: now,
    });
    await write("users", accounts, (i) => [userKey(seededUserId(i)), user(i)]);
    await write("users_by_username", accounts, (i) => [
      usernameKey(seededMobile(i)),
      seededUserId(i),
    ]);
    await write("users_by_mobile", accounts, (i) => [
      mobileKey(seededMobile(i)),
      seededUserId(i),
    ]);
    await write("bindings", accounts, (i) => {
      const binding: Binding = {
        provider: "qq",
        uid: seededOpenid(i),
        userId: seededUserId(i),
        nickname: `用户${i}`,
        createdAt: now,
      };
      return [bindingKey("qq", seededOpenid(i)), binding];
    });
    await write("bindings_by_user", accounts, (i) => [
      bindingByUserKey(seededUserId(i), "qq"),
      seededOpenid(i),
    ]);
    // Sessions are keyed by the hash of their id: made first, then written in the order of their keys.
    const sessions: { hash: string; account: number; publicId: string }[] = [];
    for (let i = 0; i < accounts; i++) {
      for (let j = 0; j < SESSIONS_PER_ACCOUNT; j++) {
        sessions.push({
          hash: sha256Hex(randomId(32)),
          account: i,
          publicId: randomId(12),
        });
      }
    }
    const byUser = sessions.slice();
    sessions.sort((a, b) => a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
    const expiring = { expireIn: SESSION_TTL_MS };
    await write("sessions", sessions.length, (n) => {
      const { hash, account, publicId } = sessions[n];
      const session: Session = {
        publicId,
        userId: seededUserId(account),
        createdAt: now,
        refreshedAt: now,
        remembered: true,
        credentialVersion: 0,
        provenAt: null,
        userAgent: USER_AGENT,
        clientAddress: `10.${(account >> 16) & 255}.${(account >> 8) & 255}.${
          account & 255
        }`,
      };
      return [sessionKey(hash), session, expiring];
    });
    await write("sessions_by_user", byUser.length, (n) => {
      const { hash, account, publicId } = byUser[n];
      return [byUserKey(seededUserId(account), publicId), hash, expiring];
    });
    // Each account agreed to the texts the bench's app shows (the templates), as at its registration.
    const consent = consentTo(readLegalTexts(undefined), "register", now);
    await write("consents", accounts, (i) => [
      consentKey(seededUserId(i), consent.versions),
      consent,
    ]);
  } finally {
    kv.close();
  }
  return rows;
}
