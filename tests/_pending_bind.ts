// A provider login's pending bind, as a browser is given it: the bind token its form carries, and a
// request from that browser (with its cookie) to post the bind from.
import type { App } from "@/lib/app/app.ts";
import { issueBindToken } from "@/lib/social/bind_tokens.ts";

export interface PendingBindBrowser {
  token: string;
  /** The browser's cookie header: the token only binds from here. */
  cookie: string;
  /** A request from that browser. */
  request: Request;
}

export async function pendingBindFor(
  app: Pick<App, "kv" | "now" | "config">,
  provider: string,
  uid: string,
  { next = "/", nickname = null as string | null } = {},
): Promise<PendingBindBrowser> {
  const headers = new Headers();
  const token = await issueBindToken(
    app,
    new Request("http://localhost/"),
    headers,
    {
      provider,
      uid,
      nickname,
      avatar: null,
      next,
    },
  );
  const cookie = headers.getSetCookie()[0].split(";")[0];
  return { token, cookie, request: fromBrowser(cookie) };
}

/** A bind POST from the browser whose cookie header is `cookie` ("" for one with none). */
export function fromBrowser(cookie: string): Request {
  return new Request("http://localhost/oauth_callback", {
    method: "POST",
    headers: cookie ? { cookie } : {},
  });
}
