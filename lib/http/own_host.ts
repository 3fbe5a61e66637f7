// Where a browser is sent on the app's own site. Without PUBLIC_ORIGIN, a server listening on every
// interface (0.0.0.0) can only guess its name (localhost), which need not be the one this browser used
// (127.0.0.1): sent there, the browser would arrive without its cookies and the login's state would not
// match. So while the name is a guess, a URL on the app's own origin is given as a path and the browser
// stays on the host it is using. Nor can an outside provider (a fake QQ on this machine) be sent back
// by path: for it the browser's own origin is the app's, but only when it is a loopback name on the
// port listened on, which the Host header cannot make point anywhere else.
import type { App } from "@/lib/app/app.ts";

const EVERY_INTERFACE = new Set(["0.0.0.0", "::"]);
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The app as the request for `url` sees it: while the app's name is a guess, a browser that came by
 * a loopback name on the listening port has its own origin as the app's, so every absolute URL made
 * for it (a redirect URI, a simulator's base) brings it back where its cookies are. Otherwise `app`.
 */
export function asSeenBy(app: App, url: URL): App {
  const { publicOrigin, hostname } = app.config;
  if (publicOrigin || !EVERY_INTERFACE.has(hostname)) return app;
  const guessed = new URL(app.origin());
  const origin = url.origin;
  const onThisMachine = url.protocol === "http:" &&
    LOOPBACK.has(url.hostname) && url.port === guessed.port;
  return onThisMachine && origin !== guessed.origin
    ? { ...app, origin: () => origin }
    : app;
}

export function onThisHost(
  app: Pick<App, "config" | "origin">,
  url: string,
): string {
  const { publicOrigin, hostname } = app.config;
  if (publicOrigin || !EVERY_INTERFACE.has(hostname)) return url;
  const origin = app.origin();
  return url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
}
