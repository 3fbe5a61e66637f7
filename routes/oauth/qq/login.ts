import type { Handlers } from "$fresh/server.ts";
import { redirectToQq } from "@/lib/http/login_cookies.ts";
import { startQqLogin } from "@/lib/social/login.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async GET(_req, ctx) {
    const { app } = ctx.state;
    const { location, state } = await startQqLogin(
      app,
      ctx.url.origin,
      ctx.url.searchParams.get("next"),
    );
    return redirectToQq(app, location, state);
  },
};
