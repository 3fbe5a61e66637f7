// QQ's /oauth2.0/me, simulated: the openid behind an access token.
import type { Handlers } from "$fresh/server.ts";
import { answerMeRequest } from "@/lib/social/providers/qq/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  GET: (_req, ctx) => answerMeRequest(ctx.state.app, ctx.url),
};
