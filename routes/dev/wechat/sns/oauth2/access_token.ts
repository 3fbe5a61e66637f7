// WeChat's /sns/oauth2/access_token, simulated: a code for an access token, the openid and the unionid.
import type { Handlers } from "$fresh/server.ts";
import { answerTokenRequest } from "@/lib/social/providers/wechat/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  GET: (_req, ctx) => answerTokenRequest(ctx.state.app, ctx.url),
};
