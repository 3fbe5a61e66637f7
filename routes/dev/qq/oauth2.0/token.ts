// QQ's /oauth2.0/token, simulated: a code for an access token.
import type { Handlers } from "$fresh/server.ts";
import { answerTokenRequest } from "@/lib/social/providers/qq/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  GET: (_req, ctx) => answerTokenRequest(ctx.state.app, ctx.url),
};
