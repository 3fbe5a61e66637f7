// One request's way through: pick what answers it (bundle, static file, route or 404), run the
// middleware of the folders above it, and turn anything thrown into the `_500` page.
import type {
  Destination,
  FreshConfig,
  FreshContext,
  Handler,
  KnownMethod,
  Manifest,
} from "./types.ts";
import {
  buildRouteTable,
  isWithin,
  matchRoute,
  type Route,
  type RouteTable,
} from "./routes.ts";
import { type App, renderPage } from "./render.ts";
import { registerIslands } from "./islands.ts";
import { BUNDLE_PREFIX, IslandBundles } from "./island_assets.ts";
import { StaticFiles } from "./static.ts";

export type RequestHandler = (
  req: Request,
  info?: Deno.ServeHandlerInfo,
) => Promise<Response>;

type Inner = (
  req: Request,
  ctx: FreshContext,
) => Response | Promise<Response>;

/** What answers a request, and the folder whose middleware wraps it (default: the URL's). */
interface Target {
  inner: Inner;
  folder?: string[];
}

const LOCAL: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 0,
};

export async function createHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<RequestHandler> {
  const table = buildRouteTable(manifest);
  const bundles = await IslandBundles.load(
    manifest,
    registerIslands(manifest),
    config,
  );
  const statics = new StaticFiles(
    config.staticDir ?? new URL("./static/", manifest.baseUrl),
  );
  const app: App = { table, islandTags: (used) => bundles.tags(used) };

  const renderNotFound = (req: Request, ctx: FreshContext, data?: unknown) =>
    table.notFound?.component
      ? renderPage(app, req, ctx, table.notFound, 404, { data })
      : Promise.resolve(new Response("Not Found", { status: 404 }));

  const renderError = async (
    req: Request,
    ctx: FreshContext,
    error: unknown,
  ) => {
    console.error(error);
    if (table.error?.component) {
      try {
        return await renderPage(app, req, ctx, table.error, 500, { error });
      } catch (pageError) {
        console.error("The _500 page failed too:", pageError);
      }
    }
    return new Response("Internal Server Error", { status: 500 });
  };

  // Decides what answers the request, before any middleware runs, so middleware can read it.
  const target = async (req: Request, ctx: FreshContext): Promise<Target> => {
    const pathname = ctx.url.pathname;
    if (pathname.length > 1 && pathname.endsWith("/")) {
      // Like Fresh 1.x: /about/ → /about. Leading slashes collapse, so //evil.com/ can't leave the site.
      const location = "/" + pathname.replace(/^\/+|\/+$/g, "") +
        ctx.url.search;
      ctx.destination = "internal";
      return {
        inner: () => new Response(null, { status: 307, headers: { location } }),
      };
    }
    if (pathname.startsWith(BUNDLE_PREFIX)) {
      ctx.destination = "internal";
      return { inner: () => bundles.serve(pathname) };
    }
    const file = (req.method === "GET" || req.method === "HEAD") &&
      await statics.find(pathname);
    if (file) {
      ctx.destination = "static";
      return { inner: () => statics.serve(req, ctx.url, file) };
    }
    const matched = matchRoute(table, pathname);
    if (matched) {
      ctx.destination = "route";
      ctx.route = matched.route.pattern;
      ctx.params = matched.params;
      ctx.render = (data, options) =>
        renderPage(app, req, ctx, matched.route, 200, { data, options });
      return {
        inner: () => dispatch(matched.route.handlers, req, ctx),
        folder: matched.route.folder,
      };
    }
    ctx.destination = "notFound";
    return { inner: () => renderNotFound(req, ctx) };
  };

  return async (req, info) => {
    const ctx = newContext(req, info, config);
    ctx.renderNotFound = (data) => renderNotFound(req, ctx, data);
    let response: Response;
    try {
      const { inner, folder } = await target(req, ctx);
      const urlFolder = ctx.url.pathname.split("/").filter(Boolean);
      const chain = [...middlewareFor(table, folder ?? urlFolder), inner];
      let next = 0;
      ctx.next = async () => {
        const handler = chain[next++];
        if (!handler) {
          throw new Error("ctx.next() called after the last handler");
        }
        const result = await handler(req, ctx);
        if (!(result instanceof Response)) {
          throw new TypeError(
            `A handler for ${ctx.url.pathname} returned no Response`,
          );
        }
        return result;
      };
      response = await ctx.next();
    } catch (error) {
      response = await renderError(req, ctx, error);
    }
    return req.method === "HEAD" ? withoutBody(response) : response;
  };
}

function newContext(
  req: Request,
  info: Deno.ServeHandlerInfo | undefined,
  config: FreshConfig,
): FreshContext {
  const fail = () => {
    throw new Error("ctx.render() is only available in a route with a page");
  };
  return {
    url: new URL(req.url),
    params: {},
    state: {},
    route: "",
    destination: "notFound" as Destination,
    remoteAddr: (info?.remoteAddr as Deno.NetAddr | undefined) ?? LOCAL,
    basePath: "",
    config,
    data: undefined,
    isPartial: false,
    render: fail,
    renderNotFound: fail,
    next: fail,
    Component: () => null,
  };
}

/** The middleware of `folder` and the folders above it, outermost first. */
function middlewareFor(table: RouteTable, folder: string[]): Inner[] {
  return table.middlewares
    .filter((middleware) => isWithin(middleware.folder, folder))
    .flatMap((middleware) => middleware.handlers);
}

async function dispatch(
  handlers: Route["handlers"],
  req: Request,
  ctx: FreshContext,
): Promise<Response> {
  if (typeof handlers === "function") return await handlers(req, ctx);
  const method = req.method as KnownMethod;
  const handler: Handler | undefined = handlers[method] ??
    (method === "HEAD" ? handlers.GET : undefined);
  if (handler) return await handler(req, ctx);
  const allowed = Object.keys(handlers);
  if (handlers.GET && !handlers.HEAD) allowed.push("HEAD");
  return new Response("Method Not Allowed", {
    status: 405,
    headers: { allow: allowed.join(", ") },
  });
}

function withoutBody(response: Response): Response {
  if (!response.body) return response;
  response.body.cancel().catch(() => {});
  return new Response(null, response);
}
