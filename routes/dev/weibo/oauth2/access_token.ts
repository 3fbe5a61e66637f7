// Weibo's POST /oauth2/access_token, simulated: a code for an access token and the uid.
import type { Handlers } from "$fresh/server.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { answerTokenRequest } from "@/lib/social/providers/weibo/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  POST: async (req, ctx) =>
    answerTokenRequest(ctx.state.app, new URLSearchParams(await readForm(req))),
};
