// Everything under /dev/<provider> is that provider's simulator: it exists only while the simulator is
// on, so never in production and never once the provider's real credentials are set.
import type { FreshContext } from "$fresh/server.ts";
import type { State } from "@/lib/http/request_state.ts";

export async function handler(
  _req: Request,
  ctx: FreshContext<State>,
): Promise<Response> {
  const { config } = ctx.state.app;
  const provider = ctx.url.pathname.split("/")[2];
  const on = !config.production && Object.hasOwn(config.providers, provider) &&
    config.providers[provider].simulator;
  return on ? await ctx.next() : await ctx.renderNotFound();
}
