// A recent proof: the password (or a code sent to the account's mobile) given in this session in the
// last 10 minutes. A stolen session cookie alone lets a browser look, but not make the account its own
// for good: connecting a provider, unbinding one, the export, a mobile change and the deletion ask for
// the proof first. It is kept on the session row (`provenAt`, lib/sessions/sessions.ts).
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import {
  byUserKey,
  type Session,
  SESSION_TTL_MS,
  sessionKey,
} from "./sessions.ts";

export const PROOF_WINDOW_MS = 10 * 60 * 1000;

/**
 * True when `session` was proven within the 10 minutes before `at` (or since): `at` is now, or when a
 * provider login that comes back now was started, so a proof that lapses on the way there still counts.
 */
export function hasRecentProof(
  session: Pick<Session, "provenAt"> | null,
  at: number,
): boolean {
  return session?.provenAt != null &&
    session.provenAt > at - PROOF_WINDOW_MS;
}

/**
 * True in the 10 minutes after a password reset, in the session it started: the account page shows the
 * bindings that still log in without the password, each with a way to remove it (the proof lasts as long).
 */
export function rightAfterReset(
  session: Pick<Session, "resetAt"> | null,
  now: number,
): boolean {
  return session?.resetAt !== undefined &&
    now - session.resetAt < PROOF_WINDOW_MS;
}

/** Records that the password was given just now in the user's session `publicId`; false when it has ended. */
export async function recordProof(
  kv: Deno.Kv,
  session: Pick<Session, "userId" | "publicId">,
  now: number,
): Promise<boolean> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const index = await kv.get<string>(
      byUserKey(session.userId, session.publicId),
    );
    if (index.value === null) return false;
    const entry = await kv.get<Session>(sessionKey(index.value));
    if (!entry.value || entry.value.userId !== session.userId) return false;
    // The session keeps the expiry its last use gave it.
    const expireIn = entry.value.refreshedAt + SESSION_TTL_MS - now;
    if (expireIn <= 0) return false;
    const { ok } = await kv.atomic()
      .check(index, entry)
      .set(entry.key, { ...entry.value, provenAt: now }, { expireIn })
      .commit();
    if (ok) return true;
  }
  return false;
}
