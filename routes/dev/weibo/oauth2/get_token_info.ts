// Weibo's POST /oauth2/get_token_info, simulated: whose token it is, and which app's.
import type { Handlers } from "$fresh/server.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { answerTokenInfoRequest } from "@/lib/social/providers/weibo/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  POST: async (req, ctx) =>
    answerTokenInfoRequest(
      ctx.state.app,
      new URLSearchParams(await readForm(req)),
    ),
};
