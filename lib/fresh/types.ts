// The public types, named and shaped like Fresh 1.x's so that route files port unchanged.
// deno-lint-ignore-file no-explicit-any
import type { ComponentChildren, ComponentType } from "preact";

export type KnownMethod =
  | "GET"
  | "HEAD"
  | "POST"
  | "PUT"
  | "DELETE"
  | "OPTIONS"
  | "PATCH";

export type Destination = "route" | "static" | "internal" | "notFound";

export interface RenderOptions {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export interface FreshContext<State = Record<string, unknown>, Data = any> {
  url: URL;
  params: Record<string, string>;
  state: State;
  /** The matched route's URL pattern, "" when no route matched. */
  route: string;
  destination: Destination;
  remoteAddr: Deno.NetAddr;
  localAddr?: Deno.NetAddr;
  basePath: string;
  config: FreshConfig;
  data: Data;
  error?: unknown;
  isPartial: boolean;
  render(data?: Data, options?: RenderOptions): Promise<Response>;
  renderNotFound(data?: unknown): Promise<Response>;
  next(): Promise<Response>;
  /** Set while an async `_app`, layout or page renders: the next component in. */
  Component: ComponentType;
}

export type Handler<Data = any, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;

export type Handlers<Data = any, State = Record<string, unknown>> = {
  [M in KnownMethod]?: Handler<Data, State>;
};

export type HandlerContext<Data = unknown, State = Record<string, unknown>> =
  FreshContext<State, Data>;
export type MiddlewareHandlerContext<State = Record<string, unknown>> =
  FreshContext<State>;
export type MiddlewareHandler<State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State>,
) => Response | Promise<Response>;
export type RouteContext<Data = any, State = Record<string, unknown>> =
  FreshContext<State, Data>;

export interface PageProps<Data = any, State = Record<string, unknown>> {
  url: URL;
  route: string;
  params: Record<string, string>;
  data: Data;
  state: State;
  isPartial: boolean;
}

export interface LayoutProps<Data = any, State = Record<string, unknown>>
  extends PageProps<Data, State> {
  Component: ComponentType;
}
export type AppProps<Data = any, State = Record<string, unknown>> = LayoutProps<
  Data,
  State
>;
export type UnknownPageProps<Data = any, State = Record<string, unknown>> =
  PageProps<Data, State>;
export interface ErrorPageProps<Data = any, State = Record<string, unknown>>
  extends PageProps<Data, State> {
  error: unknown;
}

export interface RouteConfig {
  /** A URLPattern pathname used instead of the one derived from the file path. */
  routeOverride?: string;
  skipAppWrapper?: boolean;
  skipInheritedLayouts?: boolean;
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

export interface Plugin {
  name: string;
}

export interface FreshConfig {
  plugins?: Plugin[];
  server?: {
    port?: number;
    hostname?: string;
    onListen?: (addr: Deno.NetAddr) => void;
    signal?: AbortSignal;
  };
  build?: {
    /** Where `dev.ts build` writes the island bundles; default `_fresh/` beside the manifest. */
    outDir?: string;
    target?: string | string[];
  };
  /** Default `static/` beside the manifest. */
  staticDir?: string;
}

/** What an async page, layout or `_app` may resolve to. */
export type RenderResult = ComponentChildren | Response;
