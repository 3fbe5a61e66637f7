// The cookies of a logged-in browser: the session (HttpOnly) and the `username` the pages show.
import type { App } from "@/lib/app.ts";
import { OAUTH_STATE_TTL_MS } from "@/lib/social/states.ts";
import { createSession, deleteSession } from "@/lib/sessions/sessions.ts";
import type { User } from "@/lib/accounts/users.ts";
import { deleteCookie, getCookies, setCookie } from "./cookies.ts";
import { safeNext } from "./safe_next.ts";

export const SESSION_COOKIE = "session";
/** Holds the OAuth state this browser set off to QQ with; only the callback needs it. */
export const OAUTH_STATE_COOKIE = "qq_oauth_state";
const OAUTH_STATE_PATH = "/oauth_callback";
export const USERNAME_COOKIE = "username";
const USERNAME_MAX_AGE_S = 15 * 24 * 3600;

/** Logs `user` in on a fresh session (dropping the browser's old one) and sends them to `next` with 303. */
export async function loggedInRedirect(
  app: App,
  req: Request,
  user: User,
  next: string,
): Promise<Response> {
  // The Location is built before anything is written, so it can never fail after the login.
  const headers = new Headers({ location: safeNext(next) });
  const previous = getCookies(req)[SESSION_COOKIE];
  if (previous) await deleteSession(app.kv, previous);
  const sessionId = await createSession(app.kv, user.id, app.now());
  const secure = app.config.production;
  setCookie(headers, SESSION_COOKIE, sessionId, {
    httpOnly: true,
    secure,
    sameSite: "Lax",
  });
  setCookie(headers, USERNAME_COOKIE, user.username, {
    maxAge: USERNAME_MAX_AGE_S,
    secure,
    sameSite: "Lax",
  });
  return new Response(null, { status: 303, headers });
}

/** Ends the browser's session and sends it home. */
export async function loggedOutRedirect(
  app: App,
  req: Request,
): Promise<Response> {
  const sessionId = getCookies(req)[SESSION_COOKIE];
  if (sessionId) await deleteSession(app.kv, sessionId);
  const headers = new Headers({ location: "/" });
  deleteCookie(headers, SESSION_COOKIE, {
    httpOnly: true,
    secure: app.config.production,
  });
  deleteCookie(headers, USERNAME_COOKIE, { secure: app.config.production });
  return new Response(null, { status: 303, headers });
}

/** Sends the browser to QQ, remembering the state it must come back with. */
export function redirectToQq(
  app: App,
  location: string,
  state: string,
): Response {
  const headers = new Headers({ location });
  setCookie(headers, OAUTH_STATE_COOKIE, state, {
    httpOnly: true,
    secure: app.config.production,
    path: OAUTH_STATE_PATH,
    maxAge: OAUTH_STATE_TTL_MS / 1000,
  });
  return new Response(null, { status: 302, headers });
}

export function oauthStateCookie(req: Request): string | undefined {
  return getCookies(req)[OAUTH_STATE_COOKIE];
}

/** Forgets the OAuth state cookie once the callback has used it, whatever the outcome. */
export function forgetOAuthState(app: App, headers: Headers): Headers {
  deleteCookie(headers, OAUTH_STATE_COOKIE, {
    httpOnly: true,
    secure: app.config.production,
    path: OAUTH_STATE_PATH,
  });
  return headers;
}
