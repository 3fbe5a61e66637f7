// POST /account/sessions/revoke: `session=<public id>` ends that session of the user's, `others=1`
// every one but this browser's; a public id that isn't the user's ends nothing. 303 either way.
import type { Handlers } from "$fresh/server.ts";
import { recordAudit } from "@/lib/audit.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { revokeOtherSessions, revokeSession } from "@/lib/sessions/sessions.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(req, ctx) {
    const { app, user, session, clientAddress } = ctx.state;
    const fields = await readForm(req);
    let ended = 0;
    if (fields.others === "1") {
      ended = await revokeOtherSessions(app.kv, user!.id, session!.publicId);
    } else if (fields.session && fields.session.length <= 64) {
      ended = await revokeSession(app.kv, user!.id, fields.session) ? 1 : 0;
    }
    await recordAudit(app.kv, {
      action: "session_revoke",
      outcome: ended ? `ended ${ended}` : "refused: no such session",
      clientAddress,
      userId: user!.id,
    }, app.now());
    return new Response(null, {
      status: 303,
      headers: { location: "/account/sessions" },
    });
  },
};
