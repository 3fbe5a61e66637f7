// The server half of the Fresh 1.x API: start(), createHandler() and the types route files use.
import type { FreshConfig, Manifest } from "./types.ts";
import { createHandler } from "./handler.ts";

export type * from "./types.ts";
export { createHandler, type RequestHandler } from "./handler.ts";

/** Serves the app until `config.server.signal` aborts. */
export async function start(manifest: Manifest, config: FreshConfig = {}) {
  const handler = await createHandler(manifest, config);
  const { port = 8000, hostname = "0.0.0.0", onListen, signal } =
    config.server ?? {};
  const server = Deno.serve({
    port,
    hostname,
    signal,
    onListen(addr) {
      if (onListen) return onListen(addr);
      const host = addr.hostname === "0.0.0.0" ? "localhost" : addr.hostname;
      console.log(`Listening on http://${host}:${addr.port}/`);
    },
  }, (req, info) => handler(req, info));
  await server.finished;
}

export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

// Fresh 1.x's helpers for typing files; they only hand back what they are given.
export function defineRoute<T>(route: T): T {
  return route;
}
export const defineLayout = defineRoute;
export const defineApp = defineRoute;
