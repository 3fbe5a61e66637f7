// POST /sms_codes/<mobile>: the seed's way to ask for a code; the app's own pages post to /sms_codes.
import type { Handlers } from "$fresh/server.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { answerSmsCodeRequest } from "@/lib/http/sms_code_answer.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(req, ctx) {
    // The fields may come in the form body or in the query, as the seed's shop sends them.
    const fields = {
      ...Object.fromEntries(ctx.url.searchParams),
      ...await readForm(req),
    };
    return answerSmsCodeRequest(
      ctx.state.app,
      req,
      ctx.params.mobile,
      fields,
      ctx.state.clientAddress,
    );
  },
};
