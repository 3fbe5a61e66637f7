// The server half of the Fresh 1.x API: start(), createHandler() and the types route files use.
// A request's way through: decide what answers it (an island bundle, a static file, a route or the
// 404 page), run the middleware of the folders above that, and turn anything thrown into `_500`.
import type {
  FreshConfig,
  FreshContext,
  Handler,
  Handlers,
  Manifest,
} from "./server/types.ts";
import {
  buildRouteTable,
  isWithin,
  matchRoute,
  type Route,
} from "./server/routes.ts";
// First: the build id is set before any module below can read it.
import "./server/build_id.ts";
import { type App, renderPage } from "./server/render.tsx";
import { registerIslands } from "./server/islands.tsx";
import {
  BUNDLE_PREFIX,
  compressedDir,
  islandBundles,
  staticDir,
} from "./build/bundles.ts";
import { compressPage } from "./server/compression.ts";
import { type StaticFile, staticFiles } from "./server/static.ts";

export type * from "./server/types.ts";

/** Serves the app until `config.server.signal` aborts. */
export async function start(manifest: Manifest, config: FreshConfig = {}) {
  const handler = await createHandler(manifest, config);
  const { port = 8000, hostname = "0.0.0.0", ...rest } = config.server ?? {};
  const onListen = ({ hostname, port }: Deno.NetAddr) => {
    const host = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(`Listening on http://${host}:${port}/`);
  };
  await Deno.serve({ port, hostname, onListen, ...rest }, handler).finished;
}

export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

export type RequestHandler = (
  req: Request,
  info?: Deno.ServeHandlerInfo,
) => Promise<Response>;

export async function createHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<RequestHandler> {
  registerIslands(manifest);
  const table = buildRouteTable(manifest);
  const bundles = await islandBundles(manifest, config);
  const statics = staticFiles(
    staticDir(manifest, config),
    compressedDir(manifest, config),
  );
  const app: App = { table, islandTags: bundles.tags };
  const { notFound, error: errorPage } = table;
  // The middleware above each route's folder, worked out once per route rather than per request.
  const middlewareOf = new Map<string[], Handler[]>();
  const middlewareAbove = (folder: string[]) =>
    table.middlewares
      .filter((middleware) => isWithin(middleware.folder, folder))
      .map((middleware) => middleware.handler);

  /**
   * What answers, decided before middleware runs, and the middleware that wraps it. Synchronous once
   * static/ has been listed: most requests are a route's, and a promise per step shows in profiles.
   */
  const find = (
    req: Request,
    ctx: FreshContext,
  ): Found | Promise<Found> => {
    const { pathname } = ctx.url;
    if (pathname.startsWith(BUNDLE_PREFIX)) {
      ctx.destination = "internal";
      return [() => bundles.serve(req, pathname)];
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return routeOrNotFound(ctx, pathname);
    }
    const file = statics.find(pathname);
    return file instanceof Promise
      ? file.then((file) => staticOr(req, ctx, file, pathname))
      : staticOr(req, ctx, file, pathname);
  };
  const staticOr = (
    req: Request,
    ctx: FreshContext,
    file: StaticFile | undefined,
    pathname: string,
  ): Found => {
    if (!file) return routeOrNotFound(ctx, pathname);
    ctx.destination = "static";
    return [() => statics.serve(req, ctx.url, file)];
  };
  const routeOrNotFound = (ctx: FreshContext, pathname: string): Found => {
    const matched = matchRoute(table, pathname);
    if (!matched) return [() => ctx.renderNotFound()];
    const { route, params } = matched;
    ctx.destination = "route";
    ctx.route = route.pattern;
    ctx.params = params;
    ctx.render = (data, options) =>
      renderPage(app, ctx, route, 200, { data, options });
    let middleware = middlewareOf.get(route.folder);
    if (!middleware) {
      middlewareOf.set(
        route.folder,
        middleware = middlewareAbove(route.folder),
      );
    }
    return [(req, ctx) => dispatch(route, req, ctx), middleware];
  };

  return async (req, info) => {
    const ctx = newContext(req, info);
    // As Fresh 1.x does, before anything else: `//` is `/`, and /about/ is sent to /about (no
    // middleware sees it; with slashes collapsed, //evil.example/ can't become an off-site Location).
    // Only when there is something to collapse: setting a URL's pathname parses it again.
    if (ctx.url.pathname.includes("//")) {
      ctx.url.pathname = ctx.url.pathname.replaceAll(/\/+/g, "/");
    }
    if (ctx.url.pathname.length > 1 && ctx.url.pathname.endsWith("/")) {
      const location = ctx.url.pathname.replace(/\/+$/, "") + ctx.url.search;
      return new Response(null, { status: 307, headers: { location } });
    }
    ctx.renderNotFound = async (data) =>
      notFound?.component
        ? await renderPage(app, ctx, notFound, 404, { data })
        : new Response("Not Found", { status: 404 });
    let response: Response;
    try {
      const found = find(req, ctx);
      const [
        answer,
        middleware = middlewareAbove(
          ctx.url.pathname.split("/").filter(Boolean),
        ),
      ] = found instanceof Promise ? await found : found;
      let next = 0;
      ctx.next = async () => {
        const handler = next < middleware.length
          ? middleware[next++]
          : next++ === middleware.length
          ? answer
          : undefined;
        if (!handler) throw new Error("ctx.next() called after the last one");
        const result = await handler(req, ctx);
        if (result instanceof Response) return result;
        throw new TypeError(
          `A handler for ${ctx.url.pathname} gave no Response`,
        );
      };
      response = await ctx.next();
    } catch (error) {
      console.error(error);
      response = errorPage?.component
        ? await renderPage(app, ctx, errorPage, 500, { error }).catch((e) => {
          console.error("The _500 page failed too:", e);
          return new Response("Internal Server Error", { status: 500 });
        })
        : new Response("Internal Server Error", { status: 500 });
    }
    if (ctx.destination !== "static") {
      const compressed = compressPage(req, response);
      response = compressed instanceof Promise ? await compressed : compressed;
    }
    if (req.method !== "HEAD" || !response.body) return response;
    response.body.cancel().catch(() => {});
    return new Response(null, response);
  };
}

type Found = [answer: Handler, middleware?: Handler[]];

const notYet = () => {
  throw new Error("ctx.render() is only available in a route with a page");
};

function newContext(req: Request, info?: Deno.ServeHandlerInfo): FreshContext {
  let remoteAddr: Deno.NetAddr | undefined;
  return {
    url: new URL(req.url),
    params: {},
    state: {},
    route: "",
    destination: "notFound",
    // Read when asked for: Deno makes the address object at each read, and most pages never ask.
    get remoteAddr() {
      return remoteAddr ??= info?.remoteAddr as Deno.NetAddr ??
        { transport: "tcp", hostname: "127.0.0.1", port: 0 };
    },
    set remoteAddr(address) {
      remoteAddr = address;
    },
    render: notYet,
    renderNotFound: notYet,
    next: notYet,
  };
}

/**
 * The route's handler for the method; HEAD falls back to GET, and an unhandled method is 405. The
 * method names a key of the handlers object only as its own property: a request's method is any
 * token the client likes, and `constructor` or `__proto__` must not find Object.prototype's.
 */
function dispatch(route: Route, req: Request, ctx: FreshContext) {
  const { handlers } = route;
  if (typeof handlers === "function") return handlers(req, ctx);
  const handler = ownHandler(handlers, req.method) ??
    (req.method === "HEAD" ? ownHandler(handlers, "GET") : undefined);
  if (handler) return handler(req, ctx);
  const allowed = Object.keys(handlers).filter((method) =>
    ownHandler(handlers, method)
  );
  if (allowed.includes("GET") && !allowed.includes("HEAD")) {
    allowed.push("HEAD");
  }
  return new Response("Method Not Allowed", {
    status: 405,
    headers: { allow: allowed.join(", ") },
  });
}

function ownHandler(handlers: Handlers, method: string): Handler | undefined {
  const handler = Object.hasOwn(handlers, method)
    ? (handlers as Record<string, unknown>)[method]
    : undefined;
  return typeof handler === "function" ? handler as Handler : undefined;
}
