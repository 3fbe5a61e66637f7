// Login sessions: a random id in an HttpOnly cookie, kept in KV by its hash, sliding 14 days.
//
// | key                       | value    | expires                          |
// | ------------------------- | -------- | -------------------------------- |
// | ["sessions", sha256(id)]  | Session  | 14 days after its last refresh   |
import { randomId, sha256Hex } from "@/lib/_crypto.ts";

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
// Sliding the expiry costs a write, so it is done at most once a day per session.
const REFRESH_AFTER_MS = 24 * 3600 * 1000;

export interface Session {
  userId: string;
  createdAt: number;
  refreshedAt: number;
}

const sessionKey = async (id: string) => ["sessions", await sha256Hex(id)];

/** Starts a session for `userId`; returns the id for the cookie. */
export async function createSession(
  kv: Deno.Kv,
  userId: string,
  now: number,
): Promise<string> {
  const id = randomId(32);
  await kv.set(await sessionKey(id), {
    userId,
    createdAt: now,
    refreshedAt: now,
  }, { expireIn: SESSION_TTL_MS });
  return id;
}

/** The live session with `id`, its expiry slid forward; null when unknown or expired. */
export async function getSession(
  kv: Deno.Kv,
  id: string,
  now: number,
): Promise<Session | null> {
  if (!/^[\w-]{43}$/.test(id)) return null;
  const key = await sessionKey(id);
  const entry = await kv.get<Session>(key);
  const session = entry.value;
  if (!session || now - session.refreshedAt >= SESSION_TTL_MS) return null;
  if (now - session.refreshedAt >= REFRESH_AFTER_MS) {
    const refreshed = { ...session, refreshedAt: now };
    await kv.atomic().check(entry).set(key, refreshed, {
      expireIn: SESSION_TTL_MS,
    }).commit();
    return refreshed;
  }
  return session;
}

export async function deleteSession(kv: Deno.Kv, id: string): Promise<void> {
  await kv.delete(await sessionKey(id));
}
