// OAuth `state` values: random, tied to the browser that started the login, good once for 10 minutes.
//
// | key                             | value        | expires  |
// | ------------------------------- | ------------ | -------- |
// | ["oauth_states", sha256(state)] | OAuthState   | 10 min   |
//
// The browser holds the state itself in an HttpOnly cookie; the callback must bring back the same value
// in the query, so a state issued to one browser cannot complete a login in another.
import { randomId, sha256Hex, timingSafeEqual } from "@/lib/_crypto.ts";

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

interface OAuthState {
  next: string;
  expiresAt: number;
}

const stateKey = async (
  state: string,
) => ["oauth_states", await sha256Hex(state)];

/** Starts a QQ login that will return to `next`; returns the state for QQ and for the browser's cookie. */
export async function createOAuthState(
  kv: Deno.Kv,
  next: string,
  now: number,
): Promise<string> {
  const state = randomId(16);
  const value: OAuthState = { next, expiresAt: now + OAUTH_STATE_TTL_MS };
  await kv.set(await stateKey(state), value, { expireIn: OAUTH_STATE_TTL_MS });
  return state;
}

/**
 * Uses up the state QQ sent back, if it is this browser's (`cookieState`), live and unused;
 * returns where the login was going, or null. Two callbacks racing with one state: only one wins.
 */
export async function consumeOAuthState(
  kv: Deno.Kv,
  state: string | null,
  cookieState: string | undefined,
  now: number,
): Promise<{ next: string } | null> {
  if (
    !state || !cookieState || state.length > 64 ||
    !timingSafeEqual(state, cookieState)
  ) return null;
  const entry = await kv.get<OAuthState>(await stateKey(state));
  if (!entry.value || entry.value.expiresAt <= now) return null;
  const { ok } = await kv.atomic().check(entry).delete(entry.key).commit();
  return ok ? { next: entry.value.next } : null;
}
