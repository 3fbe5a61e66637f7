// POST /sms_codes with `mobile` in the body: answers as POST /sms_codes/<mobile> does, and keeps the
// mobile out of the URL, which request logs and traces record.
import type { Handlers } from "$fresh/server.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { answerSmsCodeRequest } from "@/lib/http/sms_code_answer.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(req, ctx) {
    const fields = await readForm(req);
    return answerSmsCodeRequest(
      ctx.state.app,
      req,
      fields.mobile ?? "",
      fields,
      ctx.state.clientAddress,
    );
  },
};
