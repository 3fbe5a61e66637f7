import type { Handlers } from "$fresh/server.ts";
import { unbindQqAccount } from "@/lib/social/unbind.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(_req, ctx) {
    const { app, user, clientAddress } = ctx.state;
    if (!user) {
      return new Response(null, {
        status: 303,
        headers: { location: "/login?next=/account" },
      });
    }
    await unbindQqAccount(app, user, clientAddress);
    return new Response(null, {
      status: 303,
      headers: { location: "/account" },
    });
  },
};
