// The guard before what a stolen session cookie must not do on its own: connect a provider, unbind one,
// export the account, change its mobile, delete it. A logged-in browser that has not given its password
// in the last 10 minutes of this session is sent to /account/confirm first, and comes back after.
import { hasRecentProof } from "@/lib/sessions/recent_proof.ts";
import type { State } from "./request_state.ts";
import { safeNext } from "./safe_next.ts";
import { noStore } from "./security.ts";

export const CONFIRM_PATH = "/account/confirm";

/** The confirmation page that comes back to `next` (a same-origin path) once the password is given. */
export function confirmLocation(next: string): string {
  // Slashes stay readable; what would end or split the query is encoded.
  const encoded = encodeURIComponent(safeNext(next)).replaceAll("%2F", "/");
  return `${CONFIRM_PATH}?next=${encoded}`;
}

/**
 * Null when the request may go on: the browser is not logged in (a provider login is then a login, and
 * /account's pages send it to log in), or gave its password in this session in the last 10 minutes.
 * Else the 303 to /account/confirm, which comes back to this page; a form post comes back to the page
 * of its form (the same path), to be sent again.
 */
export function askForRecentProof(
  req: Request,
  ctx: { url: URL; state: State },
): Response | null {
  const { app, session } = ctx.state;
  if (!session || hasRecentProof(session, app.now())) return null;
  const back = req.method === "GET" || req.method === "HEAD"
    ? ctx.url.pathname + ctx.url.search
    : ctx.url.pathname;
  const location = confirmLocation(back);
  return noStore(new Response(null, { status: 303, headers: { location } }));
}
