import type { Handlers } from "$fresh/server.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(_req, ctx) {
    const result = await sendSmsCode(
      ctx.state.app,
      ctx.params.mobile,
      ctx.state.clientAddress,
    );
    if (result.ok) return Response.json({ ok: true });
    return Response.json({ ok: false, error: result.error }, {
      status: result.status,
    });
  },
};
