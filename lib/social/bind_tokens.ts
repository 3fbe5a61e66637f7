// The bind token names a pending bind: the identity a provider login brought back, waiting on the bind
// form for a mobile. It is the form's hidden `access_token` and, like the OAuth state, it is tied to
// the browser it was issued to by a cookie; its claims stay on the server, so it is small whatever the
// provider sent. The KV row and the cookie are written and read together, here.
//
// | key                            | value                                   | expires                       |
// | ------------------------------ | --------------------------------------- | ----------------------------- |
// | ["bind_tokens", sha256(token)] | PendingBind: the claims, expiry, bound? | 600 s after issue, +10 min    |
//
// (A used token keeps only what its bind page shows: the claims without uid and unionid, and who was bound.)
//
// Cookie `bind_<provider>` (`__Host-` prefixed in production), HttpOnly, 600 s: this browser's tokens for
// that provider, newest first, at most three, so a bind started in another tab still finishes. The bind
// page shows the newest; once it is used, that it was bound (and the bind POST refuses it).
import type { Config } from "@/lib/app/config.ts";
import type { Store } from "@/lib/kv/store.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { appCookieName, getCookies, setCookie } from "@/lib/http/cookies.ts";

export const BIND_TOKEN_TTL_S = 600;
/** How long after its expiry a used token still tells its browser's bind page that the bind was done. */
const BOUND_SHOWN_MS = 10 * 60 * 1000;
const TOKENS_PER_BROWSER = 3;
const MOBILE = /^1[3-9]\d{9}$/;
// randomId(16): 22 URL-safe characters.
const TOKEN_SHAPE = /^[\w-]{22}$/;

/** What a pending bind knows of the identity, shortened by the login to what the bind needs. */
export interface BindClaims {
  provider: string;
  uid: string;
  unionid?: string;
  nickname: string | null;
  avatar: string | null;
  next: string;
}

interface PendingBind extends BindClaims {
  expiresAt: number;
  /** Set by the bind that used the token: who it was bound to. */
  bound?: { username: string };
}

/** A live, unused token of this browser, with its entry: the bind's write checks and marks it. */
export interface OpenedBindToken extends BindClaims {
  token: string;
  expiresAt: number;
  entry: Deno.KvEntry<PendingBind>;
}

/** The bind page's view of this browser's newest token: still to bind, or bound already. */
export type PendingView =
  & BindClaims
  & { token: string; expiresAt: number; bound: { username: string } | null };

// Not the app itself: start-up's migrations (migrations.ts) rewrite pending binds before there is one.
type TokenApp = Store & { config: Pick<Config, "production"> };

const BIND_TOKENS = ["bind_tokens"];
const tokenKey = (token: string) => [...BIND_TOKENS, sha256Hex(token)];

const cookieOf = (app: TokenApp, provider: string) =>
  appCookieName(`bind_${provider}`, app.config.production);

/** The tokens this browser holds for `provider`, newest first. */
function browserTokens(
  app: TokenApp,
  req: Request,
  provider: string,
): string[] {
  const value = getCookies(req)[cookieOf(app, provider)] ?? "";
  return value.split(".").filter((token) => TOKEN_SHAPE.test(token))
    .slice(0, TOKENS_PER_BROWSER);
}

/** Starts a pending bind of `claims` for this browser: the token, and its cookie on `headers`. */
export async function issueBindToken(
  app: TokenApp,
  req: Request,
  headers: Headers,
  claims: BindClaims,
): Promise<string> {
  const token = randomId(16);
  const pending: PendingBind = {
    ...claims,
    expiresAt: app.now() + BIND_TOKEN_TTL_S * 1000,
  };
  await app.kv.set(tokenKey(token), pending, {
    expireIn: BIND_TOKEN_TTL_S * 1000 + BOUND_SHOWN_MS,
  });
  const kept = browserTokens(app, req, claims.provider).slice(
    0,
    TOKENS_PER_BROWSER - 1,
  );
  setCookie(
    headers,
    cookieOf(app, claims.provider),
    [token, ...kept].join("."),
    {
      httpOnly: true,
      secure: app.config.production,
      maxAge: BIND_TOKEN_TTL_S,
    },
  );
  return token;
}

/**
 * The newest of this browser's tokens for `provider` that is still to bind, or that was bound; null when
 * the browser has none (never had, expired, or another browser's).
 */
export async function pendingBind(
  app: TokenApp,
  req: Request,
  provider: string,
): Promise<PendingView | null> {
  for (const token of browserTokens(app, req, provider)) {
    const view = await readToken(app, token, provider);
    if (view) return view;
  }
  return null;
}

/** `token` if this browser holds it for `provider` and it is live, bound or not: what the form shows. */
export async function viewBindToken(
  app: TokenApp,
  req: Request,
  provider: string,
  token: string | undefined,
): Promise<PendingView | null> {
  if (!token || !browserTokens(app, req, provider).includes(token)) return null;
  return await readToken(app, token, provider);
}

/** What a kept bind form (lib/http/form_states.ts) remembers of its token: never the token itself. */
export const bindTokenDigest = (token: string) => sha256Hex(token);

/** The token of this browser for `provider` whose digest is `digest`, live, bound or not; else null. */
export async function viewBindTokenByDigest(
  app: TokenApp,
  req: Request,
  provider: string,
  digest: string,
): Promise<PendingView | null> {
  const token = browserTokens(app, req, provider).find((held) =>
    bindTokenDigest(held) === digest
  );
  return token ? await readToken(app, token, provider) : null;
}

/**
 * The claims of `token` when this browser holds it, it is `provider`'s, live and unused; else null, and
 * the bind answers 无效的openid.
 */
export async function openBindToken(
  app: TokenApp,
  req: Request,
  provider: string,
  token: string | undefined,
): Promise<OpenedBindToken | null> {
  if (!token || !browserTokens(app, req, provider).includes(token)) return null;
  const entry = await app.kv.get<PendingBind>(tokenKey(token));
  const pending = entry.value;
  if (
    !pending || pending.bound || pending.provider !== provider ||
    pending.expiresAt <= app.now()
  ) return null;
  const { expiresAt, bound: _, ...claims } = pending;
  return {
    ...claims,
    token,
    expiresAt,
    entry: entry as Deno.KvEntry<PendingBind>,
  };
}

/**
 * Adds "this token is now used, bound to `username`" to `op`, which then fails if it was used meanwhile.
 * The used row only tells its browser's bind page that the bind was done: it keeps no uid or unionid,
 * and a username that is a mobile masked, so an account deleted meanwhile leaves neither behind.
 */
export function markBindTokenUsedIn(
  op: Deno.AtomicOperation,
  opened: OpenedBindToken,
  username: string,
  now: number,
): Deno.AtomicOperation {
  const { unionid: _, ...claims } = opened.entry.value;
  const shown = MOBILE.test(username) ? maskMobile(username) : username;
  const used: PendingBind = { ...claims, uid: "", bound: { username: shown } };
  return op.check(opened.entry).set(opened.entry.key, used, {
    expireIn: Math.max(1000, opened.expiresAt - now) + BOUND_SHOWN_MS,
  });
}

async function readToken(
  app: TokenApp,
  token: string,
  provider: string,
): Promise<PendingView | null> {
  const pending = (await app.kv.get<PendingBind>(tokenKey(token))).value;
  if (!pending || pending.provider !== provider) return null;
  const live = pending.expiresAt > app.now();
  const shown = pending.bound
    ? pending.expiresAt + BOUND_SHOWN_MS > app.now()
    : live;
  if (!shown) return null;
  const { expiresAt, bound, ...claims } = pending;
  return { ...claims, token, expiresAt, bound: bound ?? null };
}

/**
 * Rewrites the claims of every pending bind that `rewrite` changes (it answers null for the others), as
 * a migration does when the way an identity is keyed changes. A row changed meanwhile is left as it is.
 */
export async function rewritePendingBinds(
  kv: Deno.Kv,
  now: number,
  rewrite: (claims: BindClaims) => BindClaims | null,
): Promise<void> {
  for await (const entry of kv.list<PendingBind>({ prefix: BIND_TOKENS })) {
    const pending = entry.value;
    const claims = pending && rewrite(pending);
    if (!claims) continue;
    await kv.atomic().check(entry).set(entry.key, { ...pending, ...claims }, {
      expireIn: Math.max(1000, pending.expiresAt - now) + BOUND_SHOWN_MS,
    }).commit();
  }
}
