import type { Handlers } from "$fresh/server.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { browserOf } from "@/lib/http/browser_id.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async POST(req, ctx) {
    // The fields may come in the form body or in the query, as the seed's shop sends them.
    const fields = {
      ...Object.fromEntries(ctx.url.searchParams),
      ...await readForm(req),
    };
    const result = await sendSmsCode(ctx.state.app, {
      mobile: ctx.params.mobile,
      purpose: fields.purpose || undefined,
      challenge: challengeAnswer(fields, browserOf(ctx.state.app, req)),
    }, ctx.state.clientAddress);
    if (result.ok) return Response.json({ ok: true });
    const { error, captcha, retryAfterS } = result;
    // The body stays the contract's; how long to wait goes in the standard header.
    const headers: HeadersInit = retryAfterS
      ? { "retry-after": String(retryAfterS) }
      : {};
    return Response.json({ ok: false, error, ...captcha && { captcha } }, {
      status: result.status,
      headers,
    });
  },
};
