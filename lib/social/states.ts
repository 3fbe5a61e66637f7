// OAuth `state` values: random, tied to the browser that started the login, good once for 10 minutes,
// for one provider. The KV row and the browser's cookie are written and read together, here.
//
// | key                             | value                              | expires  |
// | ------------------------------- | ---------------------------------- | -------- |
// | ["oauth_states", sha256(state)] | OAuthState: provider, next, expiry | 10 min   |
//
// The browser holds the state in an HttpOnly cookie of its own, `oauth_state_<its first 8 characters>`,
// one per login (`__Host-` prefixed in production), so two logins started in two tabs don't overwrite
// each other. The callback must bring back the same value in the query, so a state issued to one browser
// cannot complete a login in another.
import type { App } from "@/lib/app/app.ts";
import { randomId, timingSafeEqual } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "@/lib/http/cookies.ts";

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

interface OAuthState {
  provider: string;
  next: string;
  expiresAt: number;
}

type StateApp = Pick<App, "kv" | "now" | "config">;

const stateKey = (state: string) => ["oauth_states", sha256Hex(state)];

const cookieOf = (app: StateApp, state: string) =>
  appCookieName(`oauth_state_${state.slice(0, 8)}`, app.config.production);

// randomId(16): 22 URL-safe characters; anything else never came from here.
const STATE_SHAPE = /^[\w-]{22}$/;

/** Starts a login with `provider` that will return to `next`: the state for the provider, its cookie on `headers`. */
export async function startOAuthState(
  app: StateApp,
  headers: Headers,
  provider: string,
  next: string,
): Promise<string> {
  const state = randomId(16);
  const now = app.now();
  const value: OAuthState = {
    provider,
    next,
    expiresAt: now + OAUTH_STATE_TTL_MS,
  };
  await app.kv.set(stateKey(state), value, {
    expireIn: OAUTH_STATE_TTL_MS,
  });
  setCookie(headers, cookieOf(app, state), state, {
    httpOnly: true,
    secure: app.config.production,
    maxAge: OAUTH_STATE_TTL_MS / 1000,
  });
  return state;
}

/**
 * Uses up the `state` the provider sent back, if it is this browser's, live, unused and `provider`'s;
 * returns where the login was going and when it started, or null. Its cookie is forgotten on `headers`
 * either way. Two callbacks racing with one state: only one wins.
 */
export async function finishOAuthState(
  app: StateApp,
  req: Request,
  headers: Headers,
  provider: string,
  state: string | null,
): Promise<{ next: string; startedAt: number } | null> {
  if (!state || !STATE_SHAPE.test(state)) return null;
  const name = cookieOf(app, state);
  const cookieState = getCookies(req)[name];
  if (cookieState === undefined) return null;
  deleteCookie(headers, name, {
    httpOnly: true,
    secure: app.config.production,
  });
  if (!timingSafeEqual(state, cookieState)) return null;
  const entry = await app.kv.get<OAuthState>(stateKey(state));
  const started = entry.value;
  if (
    !started || started.expiresAt <= app.now() || started.provider !== provider
  ) return null;
  const { ok } = await app.kv.atomic().check(entry).delete(entry.key).commit();
  return ok
    ? { next: started.next, startedAt: started.expiresAt - OAUTH_STATE_TTL_MS }
    : null;
}
