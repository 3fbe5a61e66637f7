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
  const onListenDefault = ({ hostname, port }: Deno.NetAddr) => {
    const host = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(`Listening on http://${host}:${port}/`);
  };
  const server = Deno.serve(
    { port, hostname, signal, onListen: onListen ?? onListenDefault },
    handler,
  );
  await server.finished;
}

export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}
