// Everything under /dev is the QQ simulator's: it exists only while config.simulator is on,
// so never in production and never once real QQ credentials are set.
import type { FreshContext } from "$fresh/server.ts";
import type { State } from "@/lib/http/request_state.ts";

export async function handler(
  _req: Request,
  ctx: FreshContext<State>,
): Promise<Response> {
  return ctx.state.app.config.simulator
    ? await ctx.next()
    : await ctx.renderNotFound();
}
