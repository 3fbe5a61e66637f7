// Where a browser is sent on the app's own site. Without PUBLIC_ORIGIN, a server listening on every
// interface (0.0.0.0) can only guess its name (localhost), which need not be the one this browser used
// (127.0.0.1): sent there, the browser would arrive without its cookies and the login's state would not
// match. So while the name is a guess, a URL on the app's own origin is given as a path and the browser
// stays on the host it is using. No Host header is read: the origin still comes from configuration.
import type { App } from "@/lib/app.ts";

const EVERY_INTERFACE = new Set(["0.0.0.0", "::"]);

export function onThisHost(
  app: Pick<App, "config" | "origin">,
  url: string,
): string {
  const { publicOrigin, hostname } = app.config;
  if (publicOrigin || !EVERY_INTERFACE.has(hostname)) return url;
  const origin = app.origin();
  return url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
}
