// The browser, as the limits count it: a random id in an HttpOnly cookie, so that many people behind one
// address (a NAT, a proxy without TRUST_PROXY) are counted one by one rather than as one, and an image
// code answers only in the browser that drew it. A browser that logged in here lately is *known*: limits
// on its address no longer hold it back, since the address's other users can't make it a stranger.
//
// | key                         | value                 | expires |
// | --------------------------- | --------------------- | ------- |
// | ["known_browsers", id]      | last login (ms)       | 30 days |
//
// Cookie `browser` (`__Host-browser` in production), HttpOnly, 400 days: the id, 22 URL-safe characters.
// It is set when first needed (an image drawn, a login); anyone may make one up, so it only ever
// *adds* a count (per browser) or tells an image code's owner, and "known" is what the server wrote.
import type { App } from "@/lib/app/app.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { appCookieName, getCookies, setCookie } from "./cookies.ts";

const ID = /^[\w-]{22}$/;
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;
export const KNOWN_BROWSER_MS = 30 * 24 * 3600 * 1000;

const knownKey = (id: string) => ["known_browsers", id];

/** The cookie's name: `browser`, or `__Host-browser` in production. */
export function browserCookieName(app: Pick<App, "config">): string {
  return appCookieName("browser", app.config.production);
}

/** The id the browser sent, if it is one the app could have made. */
export function browserOf(
  app: Pick<App, "config">,
  req: Request,
): string | null {
  const id = getCookies(req)[browserCookieName(app)];
  return id && ID.test(id) ? id : null;
}

/** The browser's id, made and set on `headers` when it has none yet. */
export function browserOrNew(
  app: Pick<App, "config">,
  req: Request,
  headers: Headers,
): string {
  const known = browserOf(app, req);
  if (known) return known;
  const id = randomId(16);
  setCookie(headers, browserCookieName(app), id, {
    httpOnly: true,
    secure: app.config.production,
    sameSite: "Lax",
    maxAge: COOKIE_MAX_AGE_S,
  });
  return id;
}

/** Notes that `id` has just logged in: for 30 days its address's limits no longer apply to it. */
export async function rememberLoggedInBrowser(
  kv: Deno.Kv,
  id: string,
  now: number,
): Promise<void> {
  await kv.set(knownKey(id), now, { expireIn: KNOWN_BROWSER_MS });
}

/** Whether `id` logged in here within 30 days. */
export async function isKnownBrowser(
  kv: Deno.Kv,
  id: string | null,
  now: number,
): Promise<boolean> {
  if (!id) return false;
  const entry = await kv.get<number>(knownKey(id));
  // KV's expiry is lazy: the stored time decides.
  return entry.value !== null && entry.value > now - KNOWN_BROWSER_MS;
}
