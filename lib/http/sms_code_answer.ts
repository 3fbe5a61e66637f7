// The JSON answer of `POST /sms_codes` (mobile in the body: no mobile in a URL, where request logs and
// traces keep it) and of the seed's `POST /sms_codes/<mobile>`, which answers exactly the same.
import type { App } from "@/lib/app/app.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { browserOf } from "@/lib/http/browser_id.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";

/** Asks for a code for `mobile` with the posted `fields` (form body, else query) and answers as JSON. */
export async function answerSmsCodeRequest(
  app: App,
  req: Request,
  mobile: string,
  fields: Record<string, string>,
  clientAddress: string,
): Promise<Response> {
  const result = await sendSmsCode(app, {
    mobile,
    purpose: fields.purpose || undefined,
    challenge: challengeAnswer(fields, browserOf(app, req)),
  }, clientAddress);
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
}
