// Builds a handler from route modules written inline in a test, and fetches from it without a port.
import { createHandler } from "$fresh/server.ts";
import type { FreshConfig, Manifest, RouteModule } from "$fresh/server.ts";

/** The fixture app's folder: its static/ and islands/ are real files. */
export const FIXTURE_BASE =
  new URL("./fixture/fresh.gen.ts", import.meta.url).href;

export async function appWith(
  routes: Record<string, RouteModule>,
  options: {
    islands?: Manifest["islands"];
    baseUrl?: string;
    config?: FreshConfig;
  } = {},
) {
  const handler = await createHandler({
    routes,
    islands: options.islands ?? {},
    baseUrl: options.baseUrl ?? FIXTURE_BASE,
  }, options.config);
  return (path: string, init?: RequestInit) =>
    handler(new Request("http://localhost" + path, init));
}
