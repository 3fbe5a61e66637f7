// The cookies of a logged-in browser: the session (HttpOnly; `__Host-session` in production) and the
// `username` the pages show.
import type { App } from "@/lib/app.ts";
import { createSession, deleteSession } from "@/lib/sessions/sessions.ts";
import type { User } from "@/lib/accounts/users.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "./cookies.ts";
import { safeNext } from "./safe_next.ts";

export const USERNAME_COOKIE = "username";
const USERNAME_MAX_AGE_S = 15 * 24 * 3600;

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
 * `headers` may carry other cookies already.
 */
export async function loggedInRedirect(
  app: App,
  req: Request,
  user: User,
  next: string,
  headers = new Headers(),
): Promise<Response> {
  // The Location is set before anything is written, so it can never fail after the login.
  headers.set("location", safeNext(next));
  const previous = sessionCookie(app, req);
  if (previous) await deleteSession(app.kv, previous);
  const sessionId = await createSession(app.kv, user.id, app.now());
  const secure = app.config.production;
  setCookie(headers, sessionCookieName(app), sessionId, {
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
  const sessionId = sessionCookie(app, req);
  if (sessionId) await deleteSession(app.kv, sessionId);
  const headers = new Headers({ location: "/" });
  deleteCookie(headers, sessionCookieName(app), {
    httpOnly: true,
    secure: app.config.production,
  });
  deleteCookie(headers, USERNAME_COOKIE, { secure: app.config.production });
  return new Response(null, { status: 303, headers });
}
