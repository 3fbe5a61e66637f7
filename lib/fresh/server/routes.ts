// Turns the manifest's `./routes/...` files into a route table, the way Fresh 1.x reads a routes folder.
import type { ComponentType } from "preact";
import type { Handler, Handlers, Manifest, RouteModule } from "./types.ts";

// deno-lint-ignore no-explicit-any
export type Component = ComponentType<any>;

/** Anything rendered as a page: a route, `_404` or `_500`. */
export interface Page {
  component?: Component;
  /** The file's folder below routes/, groups included: what decides its layouts and middleware. */
  folder: string[];
  /** `config.csp`: the page gets a Content-Security-Policy its components shape with useCSP(). */
  csp: boolean;
}

export interface Route extends Page {
  pattern: string;
  /** The pattern's URLPattern, made at its first use: making one costs about a millisecond. */
  matcher?: URLPattern;
  handlers: Handlers | Handler;
}

export interface RouteTable {
  /** Most specific first. */
  routes: Route[];
  /** Routes without parameters by their path: most requests are answered by one lookup. */
  exact: Map<string, Route>;
  /** Outermost folder first, as are middlewares. */
  layouts: { folder: string[]; component: Component }[];
  middlewares: { folder: string[]; handler: Handler }[];
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
    // `./routes/blog/[slug].tsx` → `["blog", "[slug]"]`
    const folder = file.replace(/^\.\/routes\/|\.[jt]sx?$/g, "").split("/");
    const name = folder.pop()!;
    const component = module.default as Component | undefined;
    const atRoot = folder.length === 0;
    if (name === "_middleware") {
      const handlers = [module.handler].flat().filter((handler) =>
        typeof handler === "function"
      ) as Handler[];
      table.middlewares.push(
        ...handlers.map((handler) => ({ folder, handler })),
      );
    } else if (name === "_layout" && component) {
      table.layouts.push({ folder, component });
    } else if (atRoot && name === "_app") table.app = component;
    else if (atRoot && name === "_404") table.notFound = page(module, folder);
    else if (atRoot && name === "_500") table.error = page(module, folder);
    else if (!name.startsWith("_")) {
      table.routes.push(toRoute(folder, name, module));
    }
  }
  const outerFirst = (a: { folder: string[] }, b: { folder: string[] }) =>
    a.folder.length - b.folder.length;
  table.layouts.sort(outerFirst);
  table.middlewares.sort(outerFirst);
  // Ranks are digit strings, compared as they are (localeCompare would load a collator at start-up).
  table.routes.sort((a, b) => {
    const [x, y] = [rank(a.pattern), rank(b.pattern)];
    return x < y ? 1 : x > y ? -1 : 0;
  });
  for (const route of table.routes.toReversed()) {
    if (isExact(route.pattern)) table.exact.set(route.pattern, route);
  }
  return table;
}

function page(module: RouteModule, folder: string[]): Page {
  const component = module.default as Component | undefined;
  return { component, folder, csp: Boolean(module.config?.csp) };
}

function toRoute(folder: string[], name: string, module: RouteModule): Route {
  const pattern = module.config?.routeOverride ?? toPattern([...folder, name]);
  const { component, csp } = page(module, folder);
  let handlers = (module.handler ?? {}) as Route["handlers"];
  if (typeof handlers === "object" && !handlers.GET && component) {
    handlers = { ...handlers, GET: (_req, ctx) => ctx.render() };
  }
  return { pattern, folder, component, csp, handlers };
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
          : piece.replace(/[\\:*?+(){}]/g, "\\$&")
      ).join("");
  }).join("");
  return pathname || "/";
}

/** Per segment, static (3) beats a parameter (2), and an exact end (1) beats a rest parameter (0). */
function rank(pattern: string): string {
  return pattern.split("/").filter(Boolean).map((segment) =>
    segment.includes("*") ? "0" : /(^|[^\\]):/.test(segment) ? "2" : "3"
  ).join("") + "1";
}

/** Whether a pattern has nothing for URLPattern to interpret: it matches that very path. */
function isExact(pattern: string): boolean {
  return !/[:*(){}\\]/.test(pattern);
}

/** Whether `outer` is `inner` or one of its ancestors. */
export function isWithin(outer: string[], inner: string[]): boolean {
  return outer.every((segment, i) => inner[i] === segment);
}

/** The route matching `pathname`, with its params as the URL spells them (Fresh 1.x does not decode them). */
export function matchRoute(table: RouteTable, pathname: string) {
  const exact = table.exact.get(pathname);
  if (exact) return { route: exact, params: {} };
  for (const route of table.routes) {
    // A pattern without parameters matches its own path only, which the lookup above answered.
    if (isExact(route.pattern)) continue;
    route.matcher ??= new URLPattern({ pathname: route.pattern });
    const groups = route.matcher.exec({ pathname })?.pathname.groups;
    if (!groups) continue;
    const params: Record<string, string> = {};
    for (const [key, value = ""] of Object.entries(groups)) params[key] = value;
    return { route, params };
  }
}
