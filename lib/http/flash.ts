// A one-time confirmation after a change (密码已修改, 手机号已更换, 已退出登录, 账号已注销): the answer
// that made the change sets it, the next page shows it once and forgets it. The cookie carries a key of
// lib/messages.ts's flashMessages, never the words, and a query string carries nothing: no link can make
// a page say anything but one of those messages, and only after the change itself.
//
// Cookie `flash` (`__Host-` prefixed in production), HttpOnly, 60 s: the message's key.
import type { App } from "@/lib/app/app.ts";
import { type FlashKey, flashMessages } from "@/lib/messages.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "./cookies.ts";
import { withChangedHeaders } from "./changed_headers.ts";

/** Long enough for the redirect it rides on to be followed, short enough not to outlive its moment. */
const FLASH_MAX_AGE_S = 60;

type FlashApp = Pick<App, "config">;

const cookieOf = (app: FlashApp) =>
  appCookieName("flash", app.config.production);

/** Has the next page say `key`'s message once. */
export function setFlash(app: FlashApp, headers: Headers, key: FlashKey) {
  setCookie(headers, cookieOf(app), key, {
    httpOnly: true,
    secure: app.config.production,
    maxAge: FLASH_MAX_AGE_S,
  });
}

/** The message this browser is to be shown, if any. */
export function pendingFlash(app: FlashApp, req: Request): string | null {
  const key = getCookies(req)[cookieOf(app)];
  return key && Object.hasOwn(flashMessages, key)
    ? flashMessages[key as FlashKey]
    : null;
}

/**
 * `response` (a page that showed the message) with the message forgotten. A redirect passes it on to
 * the page it leads to; a response that set the cookie itself keeps what it set.
 */
export function withFlashShown(
  app: FlashApp,
  response: Response,
): Response {
  const name = `${cookieOf(app)}=`;
  if (
    (response.status >= 300 && response.status < 400) ||
    response.headers.getSetCookie().some((cookie) => cookie.startsWith(name))
  ) return response;
  return withChangedHeaders(
    response,
    (headers) =>
      deleteCookie(headers, cookieOf(app), {
        httpOnly: true,
        secure: app.config.production,
      }),
  );
}
