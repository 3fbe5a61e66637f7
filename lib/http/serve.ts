// The app's handler as the server runs it: the Fresh handler behind what must hold for every answer,
// whatever the route or the runtime did. A request whose URL cannot be built (a Host header like
// "127.0.0.1:99999" or "[::1") or whose Host is more than a host and port is refused before any route
// sees it, and answers the runtime makes on its own (the 500 page) get the security headers the
// middleware gives the rest. A page shared between logged-out visitors is answered here, before the
// runtime routes the request.
import {
  createHandler,
  type FreshConfig,
  type Manifest,
} from "$fresh/server.ts";
import {
  backgroundWorkDone,
  currentApp,
  stopHashingWhenIdle,
} from "@/lib/app/app.ts";
import { nameRequestSpan } from "@/lib/core/telemetry.ts";
import { messages } from "@/lib/messages.ts";
import { plainText } from "./errors.ts";
import { withSecurityHeaders } from "./security.ts";
import { sharedPagesOf } from "./shared_pages.ts";

export type AppHandler = (
  req: Request,
  info?: Deno.ServeHandlerInfo,
) => Promise<Response>;

export async function appHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<AppHandler> {
  const handler = await createHandler(manifest, config);
  return async (req, info) => {
    const url = plainRequestUrl(req);
    // A start that failed is the runtime's to answer (its 500 page), as before any page is shared.
    const app = await currentApp().catch(() => null);
    if (!url) {
      return withSecurityHeaders(
        plainText(400, messages.badRequest),
        (app ?? await currentApp()).config.production,
      );
    }
    // A logged-out visitor's home, login or register page, once shared (shared_pages.ts), goes without
    // the runtime's routing and the middleware: most of what such a page costs.
    const shared = app && sharedPagesOf(app).answerBeforeRouting(req, url);
    if (shared) {
      nameRequestSpan(req.method, shared.route);
      return shared.response;
    }
    const response = await handler(req, info);
    // The middleware's answers have them already; only the runtime's own need them.
    return response.headers.has("x-content-type-options")
      ? response
      : withSecurityHeaders(
        response,
        (app ?? await currentApp()).config.production,
      );
  };
}

// RFC 9110's Host is `uri-host [":" port]`, here held to names and addresses. Deno builds req.url as
// `scheme://` + Host + the request target, so a Host carrying a path, query, fragment or user part
// moves the request: `Host: x:1/login?` with `GET /account` is routed to /login, past any proxy rule
// that looked at the target alone.
const PLAIN_HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?$/;

/** The URL Deno made for `req`, or null when it does not parse or holds more than its Host and its target say. */
function plainRequestUrl(req: Request): URL | null {
  const host = req.headers.get("host");
  if (host && !PLAIN_HOST.test(host)) return null;
  const url = URL.parse(req.url);
  // An absolute-form target (`GET http://user@host/…`) carries its own authority, user part included.
  return url && url.username === "" && url.password === "" ? url : null;
}

/**
 * Serves the app until `config.server.signal` aborts or SIGINT or SIGTERM comes; it then finishes the
 * requests in flight and the SMS still being handed to a gateway (a second signal does not wait).
 */
export async function serveApp(manifest: Manifest, config: FreshConfig = {}) {
  const handler = await appHandler(manifest, config);
  const { port = 8000, hostname = "0.0.0.0", ...rest } = config.server ?? {};
  const onListen = ({ hostname, port }: Deno.NetAddr) => {
    const host = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(`Listening on http://${host}:${port}/`);
  };
  const server = Deno.serve({ port, hostname, onListen, ...rest }, handler);
  let stopping = false;
  const stop = () => {
    if (stopping) Deno.exit(1);
    stopping = true;
    server.shutdown();
  };
  const listening = (["SIGINT", "SIGTERM"] as const).filter((signal) => {
    try {
      Deno.addSignalListener(signal, stop);
      return true;
    } catch {
      // Not every host lets a program hear a signal (Windows has no SIGTERM, Deno Deploy none): it
      // then ends the process its own way.
      return false;
    }
  });
  await server.finished;
  await backgroundWorkDone();
  for (const signal of listening) Deno.removeSignalListener(signal, stop);
  stopHashingWhenIdle();
}
