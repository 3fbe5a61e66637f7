// The public types, named and shaped like Fresh 1.x's so that route files port unchanged.
// deno-lint-ignore-file no-explicit-any
import type { ComponentType } from "preact";

export type KnownMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH";

export interface RenderOptions {
  status?: number;
  headers?: HeadersInit;
}

export interface FreshContext<State = Record<string, unknown>, Data = any> {
  url: URL;
  params: Record<string, string>;
  state: State;
  /** The matched route's URL pattern, "" when no route matched. */
  route: string;
  /** What answers: a route, a file from static/, an island bundle, or the 404 page. */
  destination: "route" | "static" | "internal" | "notFound";
  remoteAddr: Deno.NetAddr;
  // Typed as Fresh 1.x types them: code that awaits them runs on either runtime.
  render(data?: Data, options?: RenderOptions): Response | Promise<Response>;
  renderNotFound(data?: unknown): Response | Promise<Response>;
  next(): Promise<Response>;
}

export type Handler<Data = any, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;
export type Handlers<Data = any, State = Record<string, unknown>> = {
  [M in KnownMethod]?: Handler<Data, State>;
};

export interface PageProps<Data = any, State = Record<string, unknown>> {
  url: URL;
  route: string;
  params: Record<string, string>;
  data: Data;
  state: State;
}
export interface AppProps<Data = any, State = Record<string, unknown>>
  extends PageProps<Data, State> {
  Component: ComponentType;
}
export type LayoutProps<Data = any, State = Record<string, unknown>> = AppProps<
  Data,
  State
>;
export interface ErrorPageProps extends PageProps {
  error: unknown;
}

export interface RouteConfig {
  /** A URLPattern pathname used instead of the one derived from the file path. */
  routeOverride?: string;
  /**
   * Gives the page a Content-Security-Policy: it starts as `default-src 'none'; style-src
   * 'unsafe-inline'`, components change it with `useCSP()`, and the page's nonce joins script-src.
   */
  csp?: boolean;
}

/** A route file's exports; the shapes are checked when the route table is built. */
export interface RouteModule {
  default?: unknown;
  handler?: unknown;
  config?: RouteConfig;
}

export interface Manifest {
  routes: Record<string, RouteModule>;
  islands: Record<string, Record<string, unknown>>;
  baseUrl: string;
}

export interface FreshConfig {
  server?: {
    port?: number;
    hostname?: string;
    onListen?: (addr: Deno.NetAddr) => void;
    signal?: AbortSignal;
  };
  /** Where `dev.ts build` writes the island bundles; default `_fresh/` beside the manifest. */
  build?: { outDir?: string };
  /** Default `static/` beside the manifest. */
  staticDir?: string;
}
