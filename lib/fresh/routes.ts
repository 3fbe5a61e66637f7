// Turns the manifest's `./routes/...` files into a route table, the way Fresh 1.x reads a routes folder.
import type {
  Handler,
  KnownMethod,
  Manifest,
  MiddlewareHandler,
  RouteConfig,
  RouteModule,
} from "./types.ts";

/** A page, layout or `_app` component: `(props)`, or Fresh's async `(req, ctx)`. */
// deno-lint-ignore no-explicit-any
export type Component = (...args: any[]) => any;

/** Anything rendered as a page: a route, `_404` or `_500`. */
export interface Page {
  component?: Component;
  /** The file's folder below routes/, groups included: what decides its layouts and middleware. */
  folder: string[];
  config: RouteConfig;
}

export interface Route extends Page {
  pattern: string;
  matcher: URLPattern;
  handlers: Partial<Record<KnownMethod, Handler>> | Handler;
}

export interface Layout {
  folder: string[];
  component: Component;
  config: RouteConfig;
}

export interface Middleware {
  folder: string[];
  handlers: MiddlewareHandler[];
}

export interface RouteTable {
  routes: Route[];
  /** Routes without parameters by their path: most requests are answered by one lookup. */
  exact: Map<string, Route>;
  layouts: Layout[];
  middlewares: Middleware[];
  app?: Component;
  notFound?: Page;
  error?: Page;
}

export function buildRouteTable(manifest: Manifest): RouteTable {
  const table: RouteTable = {
    routes: [],
    exact: new Map(),
    layouts: [],
    middlewares: [],
  };
  for (const [file, module] of Object.entries(manifest.routes)) {
    const segments = routeSegments(file);
    const name = segments.pop()!;
    const folder = segments;
    const component = module.default as Component | undefined;
    const config = module.config ?? {};
    if (name === "_middleware") {
      const handlers = [module.handler].flat().filter((handler) =>
        typeof handler === "function"
      ) as MiddlewareHandler[];
      table.middlewares.push({ folder, handlers });
    } else if (name === "_layout" && component) {
      table.layouts.push({ folder, component, config });
    } else if (folder.length === 0 && name === "_app") {
      table.app = component;
    } else if (folder.length === 0 && name === "_404") {
      table.notFound = { component, folder, config };
    } else if (folder.length === 0 && name === "_500") {
      table.error = { component, folder, config };
    } else if (!name.startsWith("_")) {
      table.routes.push(toRoute([...folder, name], module));
    }
  }
  const outerFirst = (a: { folder: string[] }, b: { folder: string[] }) =>
    a.folder.length - b.folder.length;
  table.layouts.sort(outerFirst);
  table.middlewares.sort(outerFirst);
  table.routes.sort((a, b) => compareRank(rank(a.pattern), rank(b.pattern)));
  for (const route of table.routes) {
    if (!/[:*(){}]/.test(route.pattern) && !table.exact.has(route.pattern)) {
      table.exact.set(route.pattern, route);
    }
  }
  return table;
}

/** `./routes/blog/[slug].tsx` → `["blog", "[slug]"]`. */
function routeSegments(file: string): string[] {
  if (!file.startsWith("./routes/")) {
    throw new Error(`Route file "${file}" is not under ./routes/`);
  }
  return file.slice("./routes/".length).replace(/\.[jt]sx?$/, "").split("/");
}

function toRoute(segments: string[], module: RouteModule): Route {
  const config = module.config ?? {};
  const pattern = config.routeOverride ?? toPattern(segments);
  const component = module.default as Component | undefined;
  let handlers = (module.handler ?? {}) as Route["handlers"];
  if (typeof handlers === "object" && !handlers.GET && component) {
    handlers = { ...handlers, GET: (_req, ctx) => ctx.render() };
  }
  return {
    pattern,
    matcher: new URLPattern({ pathname: pattern }),
    folder: segments.slice(0, -1),
    component,
    handlers,
    config,
  };
}

/** File segments → URLPattern pathname: `index` is the folder, `(group)` vanishes. */
export function toPattern(segments: string[]): string {
  const parts = segments.filter((s) => !/^\(.*\)$/.test(s));
  if (parts.at(-1) === "index") parts.pop();
  const pathname = parts.map((part) => {
    const rest = part.match(/^\[\.\.\.(\w+)\]$/);
    if (rest) return `/:${rest[1]}*`;
    return "/" +
      part.split(/(\[\w+\])/).map((piece) =>
        /^\[\w+\]$/.test(piece)
          ? `:${piece.slice(1, -1)}`
          : escapePattern(piece)
      ).join("");
  }).join("");
  return pathname || "/";
}

function escapePattern(text: string): string {
  return text.replace(/[\\:*?+(){}]/g, "\\$&");
}

// Per segment: static beats a parameter, an exact end beats a rest parameter.
const STATIC = 3, PARAM = 2, END = 1, REST = 0;

function rank(pattern: string): number[] {
  return pattern.split("/").slice(1).filter(Boolean).map((segment) =>
    segment.includes("*") ? REST : /(^|[^\\]):/.test(segment) ? PARAM : STATIC
  );
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (b[i] ?? END) - (a[i] ?? END);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Whether `outer` is `inner` or one of its ancestors. */
export function isWithin(outer: string[], inner: string[]): boolean {
  return outer.every((segment, i) => inner[i] === segment);
}

/** The route matching `pathname`, with its decoded params. */
export function matchRoute(
  table: RouteTable,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  const exact = table.exact.get(pathname);
  if (exact) return { route: exact, params: {} };
  for (const route of table.routes) {
    const match = route.matcher.exec({ pathname });
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(match.pathname.groups)) {
      params[key] = safeDecode(value ?? "");
    }
    return { route, params };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
