// The wrong-password notice (lib/accounts/failed_logins.ts) on the home or account page after the login
// that made it. That login marks its browser, and only a page of a marked browser looks in the store for
// the notice: every other page of a logged-in user costs no read for it.
//
// Cookie `login_notice` (`__Host-` prefixed in production), HttpOnly, for the notice's own 7 days: `1`.
import type { App } from "@/lib/app/app.ts";
import {
  NOTICE_TTL_MS,
  takeLoginNotice,
} from "@/lib/accounts/failed_logins.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "./cookies.ts";
import { withChangedHeaders } from "./changed_headers.ts";

type NoticeApp = Pick<App, "config" | "kv">;

const cookieOf = (app: Pick<App, "config">) =>
  appCookieName("login_notice", app.config.production);

/** The login answered with `headers` made a notice: the next home or account page looks for it. */
export function markLoginNotice(app: Pick<App, "config">, headers: Headers) {
  setCookie(headers, cookieOf(app), "1", {
    httpOnly: true,
    secure: app.config.production,
    maxAge: NOTICE_TTL_MS / 1000,
  });
}

export interface LoginNotice {
  /** The failures to tell of, once; null when there is nothing to tell. */
  failures: number | null;
  /** The page that told it, its browser no longer marked. */
  shown: (page: Response) => Response;
}

/** The notice for `userId`, read only when this browser's login made one. */
export async function loginNoticeFor(
  app: NoticeApp,
  req: Request,
  userId: string,
): Promise<LoginNotice> {
  if (getCookies(req)[cookieOf(app)] === undefined) {
    return { failures: null, shown: (page) => page };
  }
  return {
    failures: await takeLoginNotice(app.kv, userId),
    shown: (page) =>
      withChangedHeaders(
        page,
        (headers) =>
          deleteCookie(headers, cookieOf(app), {
            httpOnly: true,
            secure: app.config.production,
          }),
      ),
  };
}
