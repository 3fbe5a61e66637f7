// Who the browser is logged in as: from the session cookie, never from the display-only username cookie.
// A session made with a password the account no longer has is over: it is deleted and the browser is
// logged out, whatever wrote it.
import type { App } from "@/lib/app/app.ts";
import {
  deleteSession,
  getSession,
  type LiveSession,
  outlivedCredentials,
} from "@/lib/sessions/sessions.ts";
import { getUser, type User } from "@/lib/accounts/users.ts";
import { sessionCookie } from "./login_cookies.ts";

export async function currentUser(
  app: App,
  req: Request,
): Promise<{ session: LiveSession | null; user: User | null }> {
  const id = sessionCookie(app, req);
  const session = id ? await getSession(app.kv, id, app.now()) : null;
  const found = session ? await getUser(app.kv, session.userId) : null;
  // A disabled account's sessions were ended with it; one that raced the disabling counts for nothing.
  const user = found?.disabledAt ? null : found;
  if (id && session && user && outlivedCredentials(session, user)) {
    await deleteSession(app.kv, id);
    return { session: null, user: null };
  }
  return { session: user ? session : null, user };
}
