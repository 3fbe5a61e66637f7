// Login sessions, as the seed's Django ones: a random id in an HttpOnly cookie, kept in KV by its hash,
// living 14 days from its last use; the expiry slides at most once a day, so a page view is no write.
// Each user's sessions are indexed by a public id, shown on the sessions page and used to end one:
// the cookie's value never leaves the cookie.
//
// | key                                     | value            | expires                  |
// | --------------------------------------- | ---------------- | ------------------------ |
// | ["sessions", sha256(id)]                | Session          | 14 days after last use   |
// | ["sessions_by_user", userId, publicId]  | sha256(id)       | with the session         |
//
// A session carries its account's credential version (lib/accounts/users.ts): a password change or
// reset moves the account's on, and a session left behind is over. A session is only ever written
// while the account's version is still the one its login proved, so a login that checked the old
// password while the new one was being set cannot start a session after the change.
import { randomId } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import {
  credentialVersionOf,
  type User,
  userKey,
} from "@/lib/accounts/users.ts";

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
// Sliding the expiry costs a write, so it is done at most once a day per session.
const REFRESH_AFTER_MS = 24 * 3600 * 1000;
/** Past this many, a new login ends the user's least recently used session: deleting an account stays one write. */
export const MAX_SESSIONS_PER_USER = 30;
const MAX_USER_AGENT = 512;
const MAX_ADDRESS = 64;
const GET_MANY_LIMIT = 10;

export interface Session {
  /** Names the session on the sessions page; never the cookie's value. */
  publicId: string;
  userId: string;
  createdAt: number;
  /** When it was last used, to the day: the expiry slides at most once a day. */
  refreshedAt: number;
  /** 记住登录: the cookie outlives the browser (Max-Age), else it ends with it. */
  remembered: boolean;
  userAgent: string;
  clientAddress: string;
  /** The account's credential version the login proved: once the account's moves on, the session is over. */
  credentialVersion: number;
  /**
   * When the password (or a code sent to the account's mobile) was last given in this session: at a
   * password login, a bind, a registration, a reset, or on /account/confirm. Null when never: a provider
   * login proves who holds that identity, not who holds the account.
   */
  provenAt: number | null;
  /** When a password reset started it: the account page right after shows the bindings to check. */
  resetAt?: number;
}

/** Whose session to start: the account, as the login found it (its credential version included). */
export type SessionOwner = Pick<User, "id" | "credentialVersion">;

/** What the login knows about the browser it starts a session for. */
export interface SessionStart {
  remembered: boolean;
  /** The user's account was just made: there are no sessions to count (and end) for the cap. */
  newAccount?: boolean;
  userAgent?: string | null;
  clientAddress?: string;
  /** The password (or a code to the account's mobile) was just given: a recent proof from the start. */
  proven?: boolean;
  /** The session a password reset starts. */
  afterReset?: boolean;
}

/** A session as a request finds it: `renewed` when this use slid its expiry (the cookie is sent again). */
export type LiveSession = Session & { renewed: boolean };

export const sessionKey = (hash: string) => ["sessions", hash];
/** Every session of `userId`, under its public id. */
const sessionsOfUserKey = (userId: string) => ["sessions_by_user", userId];
export const byUserKey = (userId: string, publicId: string) => [
  ...sessionsOfUserKey(userId),
  publicId,
];
const hashOf = (id: string) => sha256Hex(id);

/**
 * Starts a session for `owner`; returns the id for the cookie, or null when the account is gone or its
 * credential version is no longer `owner`'s (the password changed since the login checked it).
 * `sameWrite` adds what the login writes with its session (an imported account's new password hash);
 * should that part have lost a race, the session is started without it.
 */
export async function createSession(
  kv: Deno.Kv,
  owner: SessionOwner,
  now: number,
  start: SessionStart = { remembered: true },
  /** More for the session's write: it is given the owner's entry as read and checked (null for a new account). */
  sameWrite?: (
    op: Deno.AtomicOperation,
    account: Deno.KvEntryMaybe<User> | null,
  ) => void,
): Promise<string | null> {
  if (!start.newAccount) await makeRoomFor(kv, owner.id);
  const id = randomId(32);
  const hash = hashOf(id);
  const credentialVersion = credentialVersionOf(owner);
  const session: Session = {
    publicId: randomId(12),
    userId: owner.id,
    createdAt: now,
    refreshedAt: now,
    remembered: start.remembered,
    userAgent: (start.userAgent ?? "").slice(0, MAX_USER_AGENT),
    clientAddress: (start.clientAddress ?? "").slice(0, MAX_ADDRESS),
    credentialVersion,
    provenAt: start.proven ? now : null,
    ...(start.afterReset ? { resetAt: now } : {}),
  };
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const op = kv.atomic();
    let account: Deno.KvEntryMaybe<User> | null = null;
    // An account this request has just made carries the version it was written with, unread (a bind's
    // and a registration's round trips); a reset in the moment between is still caught on first use.
    if (!start.newAccount) {
      account = await kv.get<User>(userKey(owner.id));
      if (
        !account.value ||
        credentialVersionOf(account.value) !== credentialVersion
      ) return null;
      // Checked as read: a password change committing meanwhile fails this write, and the next round
      // sees its new version. Any other change to the row (a mobile change) just costs a round.
      op.check(account);
    }
    op
      .check({ key: sessionKey(hash), versionstamp: null })
      .set(sessionKey(hash), session, { expireIn: SESSION_TTL_MS })
      .set(byUserKey(owner.id, session.publicId), hash, {
        expireIn: SESSION_TTL_MS,
      });
    sameWrite?.(op, account);
    const { ok } = await op.commit();
    if (ok) return id;
  }
  return null;
}

/** The live session with `id`, its expiry slid forward once a day; null when unknown, ended or expired. */
export async function getSession(
  kv: Deno.Kv,
  id: string,
  now: number,
): Promise<LiveSession | null> {
  if (!/^[\w-]{43}$/.test(id)) return null;
  const hash = hashOf(id);
  const entry = await kv.get<Session>(sessionKey(hash));
  const session = entry.value && withDefaults(entry.value);
  if (!session || now - session.refreshedAt >= SESSION_TTL_MS) return null;
  if (now - session.refreshedAt < REFRESH_AFTER_MS && entry.value?.publicId) {
    return { ...session, renewed: false };
  }
  const refreshed = { ...session, refreshedAt: now };
  const { ok } = await kv.atomic()
    .check(entry)
    .set(entry.key, refreshed, { expireIn: SESSION_TTL_MS })
    .set(byUserKey(session.userId, session.publicId), hash, {
      expireIn: SESSION_TTL_MS,
    })
    .commit();
  // Lost to a racing renewal (still live) or to a revocation (then the next request is logged out).
  return ok ? { ...refreshed, renewed: true } : { ...session, renewed: false };
}

/** Ends the session with `id` (logging out). */
export async function deleteSession(kv: Deno.Kv, id: string): Promise<void> {
  if (!/^[\w-]{43}$/.test(id)) return;
  const key = sessionKey(hashOf(id));
  const entry = await kv.get<Session>(key);
  if (!entry.value) return;
  await kv.atomic()
    .delete(key)
    .delete(byUserKey(entry.value.userId, entry.value.publicId))
    .commit();
}

/**
 * The user's live sessions, the most recently used first: those made with the account's current
 * credential version (`user`'s), the rest being over.
 */
export async function listSessions(
  kv: Deno.Kv,
  user: Pick<User, "id" | "credentialVersion">,
  now: number,
): Promise<Session[]> {
  const sessions = (await readSessions(kv, user.id)).flatMap(({ session }) => {
    const live = session && withDefaults(session);
    return live && now - live.refreshedAt < SESSION_TTL_MS &&
        !outlivedCredentials(live, user)
      ? [live]
      : [];
  });
  return sessions.sort((a, b) =>
    b.refreshedAt - a.refreshedAt || b.createdAt - a.createdAt
  );
}

/** True when `session` was made with another password than `user`'s current one: it is over. */
export function outlivedCredentials(
  session: Pick<Session, "credentialVersion">,
  user: Pick<User, "credentialVersion">,
): boolean {
  return session.credentialVersion !== credentialVersionOf(user);
}

/** Ends the user's session `publicId`; a public id that is not this user's ends nothing. */
export async function revokeSession(
  kv: Deno.Kv,
  userId: string,
  publicId: string,
): Promise<boolean> {
  const index = await kv.get<string>(byUserKey(userId, publicId));
  if (index.value === null) return false;
  await kv.atomic()
    .delete(index.key)
    .delete(sessionKey(index.value))
    .commit();
  return true;
}

/** Ends every session of the user but `keepPublicId`'s (or all of them); how many were ended. */
export async function revokeOtherSessions(
  kv: Deno.Kv,
  userId: string,
  keepPublicId?: string,
): Promise<number> {
  const others = (await readSessions(kv, userId)).filter(({ publicId }) =>
    publicId !== keepPublicId
  );
  for (let i = 0; i < others.length; i += 100) {
    const op = kv.atomic();
    endSessionsIn(op, others.slice(i, i + 100));
    await op.commit();
  }
  return others.length;
}

/** One of a user's sessions as its index holds it, for a write that ends it together with something else. */
export interface SessionRef {
  publicId: string;
  hash: string;
  userId: string;
}

/** The user's sessions, for `endSessionsIn`. */
export async function userSessions(
  kv: Deno.Kv,
  userId: string,
): Promise<SessionRef[]> {
  const refs: SessionRef[] = [];
  for await (
    const entry of kv.list<string>({ prefix: sessionsOfUserKey(userId) })
  ) {
    refs.push({ publicId: String(entry.key[2]), hash: entry.value, userId });
  }
  return refs;
}

/** Adds the end of `sessions` to `op`: a password change, a mobile change or a deletion ends them with its own write. */
export function endSessionsIn(
  op: Deno.AtomicOperation,
  sessions: SessionRef[],
): Deno.AtomicOperation {
  for (const { publicId, hash, userId } of sessions) {
    op.delete(sessionKey(hash)).delete(byUserKey(userId, publicId));
  }
  return op;
}

/**
 * A 0.1 session had only its user and times: it gets a public id (and its index) on its next use. One
 * from before credential versions was made with the account's first password (version 0), and proves
 * nothing recent.
 */
function withDefaults(stored: Partial<Session>): Session {
  return {
    publicId: randomId(12),
    remembered: true,
    userAgent: "",
    clientAddress: "",
    credentialVersion: 0,
    provenAt: null,
    ...stored,
  } as Session;
}

async function readSessions(kv: Deno.Kv, userId: string) {
  return await withSessions(kv, await userSessions(kv, userId));
}

/** Each of `refs` with its session (null where it has gone). */
async function withSessions(kv: Deno.Kv, refs: SessionRef[]) {
  const found: (SessionRef & { session: Session | null })[] = [];
  for (let i = 0; i < refs.length; i += GET_MANY_LIMIT) {
    const batch = refs.slice(i, i + GET_MANY_LIMIT);
    const entries = await kv.getMany<Session[]>(
      batch.map(({ hash }) => sessionKey(hash)),
    );
    batch.forEach((ref, j) =>
      found.push({ ...ref, session: entries[j].value })
    );
  }
  return found;
}

/** Ends the least recently used sessions until a new one fits under the cap. */
async function makeRoomFor(kv: Deno.Kv, userId: string): Promise<void> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    // Counted on the index alone: the sessions themselves (a read each, anywhere in a table as large as
    // every account's sessions) are read only when the account is at its cap.
    const refs = await userSessions(kv, userId);
    if (refs.length < MAX_SESSIONS_PER_USER) return;
    const sessions = await withSessions(kv, refs);
    const oldestFirst = sessions.sort((a, b) =>
      (a.session?.refreshedAt ?? 0) - (b.session?.refreshedAt ?? 0)
    );
    const op = kv.atomic();
    endSessionsIn(
      op,
      oldestFirst.slice(0, sessions.length - MAX_SESSIONS_PER_USER + 1),
    );
    if ((await op.commit()).ok) return;
  }
}
