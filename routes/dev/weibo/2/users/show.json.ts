// Weibo's GET /2/users/show.json, simulated: a user's screen name.
import type { Handlers } from "$fresh/server.ts";
import { answerShowUserRequest } from "@/lib/social/providers/weibo/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  GET: (_req, ctx) => answerShowUserRequest(ctx.state.app, ctx.url),
};
