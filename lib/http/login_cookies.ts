// The cookies of a logged-in browser: the session (HttpOnly; `__Host-session` in production) and the
// `username` the pages show.
import type { App } from "@/lib/app/app.ts";
import {
  createSession,
  deleteSession,
  SESSION_TTL_MS,
} from "@/lib/sessions/sessions.ts";
import type { User } from "@/lib/accounts/users.ts";
import {
  type PasswordUpgrade,
  upgradeIn,
} from "@/lib/accounts/password_upgrade.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "./cookies.ts";
import { recordAudit } from "@/lib/audit.ts";
import { safeNext } from "./safe_next.ts";
import { browserOrNew, rememberLoggedInBrowser } from "./browser_id.ts";
import { noteLogin } from "@/lib/accounts/failed_logins.ts";
import { markLoginNotice } from "./login_notice.ts";
import { withChangedHeaders } from "./changed_headers.ts";
import { setFlash } from "./flash.ts";
import type { FlashKey } from "@/lib/messages.ts";
import { knownClientAddress } from "./security.ts";
import type { State } from "./request_state.ts";

export const USERNAME_COOKIE = "username";
const USERNAME_MAX_AGE_S = 15 * 24 * 3600;
/** A remembered session's cookie lives as long as the session may: 14 days from its last use. */
export const SESSION_MAX_AGE_S = SESSION_TTL_MS / 1000;

export interface LoginOptions {
  /** Cookies set already (the OAuth state's removal). */
  headers?: Headers;
  /** 记住登录: false gives a cookie that ends with the browser (a password login without the box ticked). */
  remembered?: boolean;
  /** The account was made by this request: it has no sessions to make room among. */
  newAccount?: boolean;
  /** An imported account's first login: its new password hash, written in the session's own write. */
  upgrade?: PasswordUpgrade | null;
  /**
   * The password (or a code to the account's mobile) was given to log in: a password login, a bind, a
   * registration, a reset, a password or mobile change. Not a provider login: that proves the identity, not the account.
   */
  proven?: boolean;
  /** The login a password reset makes: the account page right after it shows the bindings to check. */
  afterReset?: boolean;
}

/** The session cookie's name: `session`, or `__Host-session` in production. */
export function sessionCookieName(app: Pick<App, "config">): string {
  return appCookieName("session", app.config.production);
}

/** The session id the browser sent, if any. */
export function sessionCookie(
  app: Pick<App, "config">,
  req: Request,
): string | undefined {
  return getCookies(req)[sessionCookieName(app)];
}

/**
 * Logs `user` in on a fresh session (dropping the browser's old one) and sends them to `next` with 303;
 * null, and nothing set, when the account's password changed since `user` was read (the login proved
 * a password that is no longer the account's), or the account is gone.
 */
export async function startSession(
  app: App,
  req: Request,
  user: User,
  next: string,
  {
    headers = new Headers(),
    remembered = true,
    newAccount = false,
    upgrade = null,
    proven = false,
    afterReset = false,
  }: LoginOptions = {},
): Promise<Response | null> {
  // The Location is set before anything is written, so it can never fail after the login.
  headers.set("location", safeNext(next));
  const sessionId = await createSession(app.kv, user, app.now(), {
    remembered,
    newAccount,
    proven,
    afterReset,
    userAgent: req.headers.get("user-agent"),
    clientAddress: knownClientAddress(req),
  }, (op, account) => {
    // The Django hash gives way to the new one in the session's write, which checks the account.
    if (upgrade && account) upgradeIn(op, upgrade, account);
  });
  if (sessionId === null) {
    await recordAudit(app.kv, {
      action: "login",
      outcome: "refused: credentials changed",
      clientAddress: knownClientAddress(req),
      userId: user.id,
    }, app.now());
    return null;
  }
  const previous = sessionCookie(app, req);
  if (previous) await deleteSession(app.kv, previous);
  setSessionCookie(app, headers, sessionId, remembered);
  setCookie(headers, USERNAME_COOKIE, user.username, {
    maxAge: USERNAME_MAX_AGE_S,
    secure: app.config.production,
    sameSite: "Lax",
  });
  // This browser is now one the limits know (its address's strangers can't hold it back), and the
  // owner hears, on the next page, of the wrong passwords tried since the last login.
  await rememberLoggedInBrowser(
    app.kv,
    browserOrNew(app, req, headers),
    app.now(),
  );
  // A new account has had no password to get wrong.
  if (!newAccount && await noteLogin(app.kv, user.id)) {
    markLoginNotice(app, headers);
  }
  return new Response(null, { status: 303, headers });
}

/**
 * `startSession`, or when the account changed under the login (its password, by a racing change or
 * reset), a 303 to log in again: whatever was checked before is no longer enough.
 */
export async function loggedInRedirect(
  app: App,
  req: Request,
  user: User,
  next: string,
  options: LoginOptions = {},
): Promise<Response> {
  const started = await startSession(app, req, user, next, options);
  if (started) return started;
  const headers = options.headers ?? new Headers();
  headers.set(
    "location",
    `/login?next=${encodeURIComponent(safeNext(next))}`,
  );
  return new Response(null, { status: 303, headers });
}

/**
 * After a change that ended every session of the account (its password, its mobile): this browser logged
 * in again as it was (remembered or not), on the account page, which says `flash`.
 */
export async function loggedInAgain(
  req: Request,
  ctx: { state: Pick<State, "app" | "session"> },
  user: User,
  flash: FlashKey,
): Promise<Response> {
  const { app, session } = ctx.state;
  const headers = new Headers();
  setFlash(app, headers, flash);
  return await loggedInRedirect(app, req, user, "/account", {
    headers,
    remembered: session?.remembered ?? true,
    proven: true,
  });
}

/**
 * Sets the session cookie: with Max-Age for a remembered session (sent again when the session is
 * renewed, so it keeps pace), without one for a session that ends with the browser.
 */
export function setSessionCookie(
  app: App,
  headers: Headers,
  sessionId: string,
  remembered: boolean,
): void {
  setCookie(headers, sessionCookieName(app), sessionId, {
    httpOnly: true,
    secure: app.config.production,
    sameSite: "Lax",
    maxAge: remembered ? SESSION_MAX_AGE_S : undefined,
  });
}

/**
 * `response` with the session cookie sent again, its Max-Age counted from now: the session's expiry
 * slid forward on this request. A response that set or cleared the cookie itself is left as it is.
 */
export function withRenewedSessionCookie(
  app: App,
  req: Request,
  response: Response,
): Response {
  const sessionId = sessionCookie(app, req);
  const name = `${sessionCookieName(app)}=`;
  if (
    !sessionId ||
    response.headers.getSetCookie().some((cookie) => cookie.startsWith(name))
  ) return response;
  return withChangedHeaders(
    response,
    (headers) => setSessionCookie(app, headers, sessionId, true),
  );
}

/** Ends the browser's session and sends it home, where `flash` (已退出登录, 账号已注销) says why. */
export async function loggedOutRedirect(
  app: App,
  req: Request,
  flash?: FlashKey,
): Promise<Response> {
  const sessionId = sessionCookie(app, req);
  if (sessionId) await deleteSession(app.kv, sessionId);
  const headers = new Headers({ location: "/" });
  if (flash) setFlash(app, headers, flash);
  deleteCookie(headers, sessionCookieName(app), {
    httpOnly: true,
    secure: app.config.production,
  });
  deleteCookie(headers, USERNAME_COOKIE, { secure: app.config.production });
  return new Response(null, { status: 303, headers });
}
