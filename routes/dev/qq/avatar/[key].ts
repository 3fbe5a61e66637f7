// The avatars the simulated get_user_info points at (QQ's figureurl_qq_1 and _2), by a key made from the openid.
import type { Handlers } from "$fresh/server.ts";
import { answerAvatarRequest } from "@/lib/social/providers/qq/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async GET(_req, ctx) {
    return await answerAvatarRequest(ctx.state.app, ctx.params.key) ??
      ctx.renderNotFound();
  },
};
