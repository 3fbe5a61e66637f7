import type { Handlers } from "$fresh/server.ts";
import { recordAudit } from "@/lib/audit.ts";
import { loggedOutRedirect } from "@/lib/http/login_cookies.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(req, ctx) {
    const { app, user, clientAddress } = ctx.state;
    if (user) {
      await recordAudit(app.kv, {
        action: "logout",
        outcome: "logged_out",
        clientAddress,
        userId: user.id,
      }, app.now());
    }
    return loggedOutRedirect(app, req);
  },
};
