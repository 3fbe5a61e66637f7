// QQ's /user/get_user_info, simulated: the nickname and avatar behind an access token.
import type { Handlers } from "$fresh/server.ts";
import { answerUserInfoRequest } from "@/lib/social/providers/qq/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  GET: (_req, ctx) => answerUserInfoRequest(ctx.state.app, ctx.url),
};
