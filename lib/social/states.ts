// OAuth `state` values: random, tied to the browser that started the login, good once for 10 minutes,
// for one provider. The KV row and the browser's cookie are written and read together, here.
//
// | key                                                            | value      | expires |
// | -------------------------------------------------------------- | ---------- | ------- |
// | ["oauth_states", sha256(state)]                                | OAuthState | 10 min  |
// | ["oauth_states_by_client", address, expiresAt, sha256(state)]  | true       | 10 min  |
//
// The browser holds the state in an HttpOnly cookie of its own, `oauth_state_<its first 8 characters>`,
// one per login (`__Host-` prefixed in production), so two logins started in two tabs don't overwrite
// each other. The callback must bring back the same value in the query, so a state issued to one browser
// cannot complete a login in another.
//
// Anyone may start a login without an account, so what is pending is capped: a browser holds at most
// OAUTH_STATES_PER_BROWSER and an address at most OAUTH_STATES_PER_CLIENT, the oldest dropped to make
// room (its login then ends at the callback's "start again" page). Nobody is refused a start, and
// requests that throw their cookies away cannot grow the store beyond the cap of their address.
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
/** Logins one browser may have pending at once: tabs enough for anyone. */
export const OAUTH_STATES_PER_BROWSER = 5;
/** Logins one address may have pending at once: a campus NAT's worth. */
export const OAUTH_STATES_PER_CLIENT = 100;

interface OAuthState {
  provider: string;
  next: string;
  expiresAt: number;
  /** The address that started it (unset in rows written before the cap). */
  client?: string;
}

type StateApp = Pick<App, "kv" | "now" | "config">;

/** Who starts a login, and what it is for. */
export interface StateRequest {
  provider: string;
  next: string;
  clientAddress: string;
}

const stateKeyOf = (hash: string) => ["oauth_states", hash];
const stateKey = (state: string) => stateKeyOf(sha256Hex(state));
const byClientKey = (address: string, expiresAt: number, hash: string) => [
  "oauth_states_by_client",
  address,
  expiresAt,
  hash,
];

const cookieOf = (app: StateApp, state: string) =>
  appCookieName(`oauth_state_${state.slice(0, 8)}`, app.config.production);

// randomId(16): 22 URL-safe characters; anything else never came from here.
const STATE_SHAPE = /^[\w-]{22}$/;
// KV's getMany reads at most 10 keys: more state cookies than that no browser of ours holds.
const BROWSER_COOKIES_READ = 10;

/**
 * Starts a login with `provider` that will return to `next`: the state for the provider, its cookie on
 * `headers`, and the oldest of this browser's or this address's pending states dropped past their cap.
 */
export async function startOAuthState(
  app: StateApp,
  req: Request,
  headers: Headers,
  { provider, next, clientAddress }: StateRequest,
): Promise<string> {
  const state = randomId(16);
  const hash = sha256Hex(state);
  const now = app.now();
  const value: OAuthState = {
    provider,
    next,
    expiresAt: now + OAUTH_STATE_TTL_MS,
    client: clientAddress,
  };
  // Neither key exists: the state is 128 random bits.
  await app.kv.atomic()
    .set(stateKeyOf(hash), value, { expireIn: OAUTH_STATE_TTL_MS })
    .set(byClientKey(clientAddress, value.expiresAt, hash), true, {
      expireIn: OAUTH_STATE_TTL_MS,
    })
    .commit();
  await dropBrowsersOldest(app, req, headers);
  await dropClientsOldest(app, clientAddress, now);
  setCookie(headers, cookieOf(app, state), state, cookieOptions(app, true));
  return state;
}

const cookieOptions = (app: StateApp, live: boolean) => ({
  httpOnly: true,
  secure: app.config.production,
  ...live && { maxAge: OAUTH_STATE_TTL_MS / 1000 },
});

/** Makes room for one more state in this browser: its oldest pending ones go, row and cookie. */
async function dropBrowsersOldest(
  app: StateApp,
  req: Request,
  headers: Headers,
): Promise<void> {
  const held = Object.entries(getCookies(req)).filter(([name, state]) =>
    STATE_SHAPE.test(state) && name === cookieOf(app, state)
  );
  const excess = held.length + 1 - OAUTH_STATES_PER_BROWSER;
  if (excess <= 0) return;
  const read = held.slice(0, BROWSER_COOKIES_READ);
  const entries = await app.kv.getMany<OAuthState[]>(
    read.map(([, state]) => stateKey(state)),
  );
  // A cookie whose row is gone (used, expired, dropped) is the oldest of all.
  const byAge = read.map(([name], i) => ({ name, entry: entries[i] }))
    .sort((a, b) =>
      (a.entry.value?.expiresAt ?? 0) - (b.entry.value?.expiresAt ?? 0)
    );
  const unread = held.slice(BROWSER_COOKIES_READ).map(([name]) => ({
    name,
    entry: null,
  }));
  // The unread first: excess counts them all.
  const dropped = [...unread, ...byAge].slice(0, excess);
  const op = app.kv.atomic();
  for (const { name, entry } of dropped) {
    deleteCookie(headers, name, cookieOptions(app, false));
    if (entry?.value) forgetStateIn(op, entry as Deno.KvEntry<OAuthState>);
  }
  await op.commit();
}

/** Keeps this address's pending states within its cap: the oldest go, and rows past their time. */
async function dropClientsOldest(
  app: StateApp,
  address: string,
  now: number,
): Promise<void> {
  const live: Deno.KvKey[] = [];
  const stale: Deno.KvKey[] = [];
  for await (
    const { key } of app.kv.list({
      prefix: ["oauth_states_by_client", address],
    })
  ) {
    // KV's expiry is lazy: a row is judged by the time in its key, not by being there.
    (Number(key[2]) > now ? live : stale).push(key);
  }
  const dropped = [
    ...stale,
    ...live.slice(0, Math.max(0, live.length - OAUTH_STATES_PER_CLIENT)),
  ];
  // A few deletions a write, well within KV's limits on one atomic operation.
  for (let i = 0; i < dropped.length; i += 100) {
    const op = app.kv.atomic();
    for (const key of dropped.slice(i, i + 100)) {
      op.delete(key).delete(stateKeyOf(String(key[3])));
    }
    await op.commit();
  }
}

/** Adds the removal of a state's row and its address's index row to `op`. */
function forgetStateIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<OAuthState>,
): Deno.AtomicOperation {
  const { client, expiresAt } = entry.value;
  op.delete(entry.key);
  if (client !== undefined) {
    op.delete(byClientKey(client, expiresAt, String(entry.key[1])));
  }
  return op;
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
  deleteCookie(headers, name, cookieOptions(app, false));
  if (!timingSafeEqual(state, cookieState)) return null;
  const entry = await app.kv.get<OAuthState>(stateKey(state));
  const started = entry.value;
  if (
    !started || started.expiresAt <= app.now() || started.provider !== provider
  ) return null;
  const op = app.kv.atomic().check(entry);
  const { ok } = await forgetStateIn(op, entry as Deno.KvEntry<OAuthState>)
    .commit();
  return ok
    ? { next: started.next, startedAt: started.expiresAt - OAUTH_STATE_TTL_MS }
    : null;
}
