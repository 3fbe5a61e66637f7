// Sending a code: issue it under the limits, hand it to the gateway, withdraw it if delivery fails.
// A code for a purpose that can't apply to the mobile is counted as sent and never sent, so the answer
// does not tell who has an account.
import type { App } from "@/lib/app.ts";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import {
  isSmsPurpose,
  issueSmsCode,
  SMS_CODE_TTL_S,
  type SmsPurpose,
  withdrawSmsCode,
} from "./codes.ts";
import { deliverSmsCode } from "./gateway.ts";
import { fieldError, mobileSchema } from "@/lib/validation.ts";

/** What the sender asked for: the mobile from the path, the rest from the form or the query. */
export interface SendRequest {
  mobile: string;
  /** Unset: `signup`. */
  purpose?: string;
}

export type SendResult = { ok: true } | {
  ok: false;
  status: 400 | 429 | 502;
  error: string;
};

export async function sendSmsCode(
  app: App,
  request: SendRequest,
  clientAddress: string,
): Promise<SendResult> {
  const { mobile, purpose = "signup" } = request;
  if (fieldError(mobileSchema, mobile)) {
    return { ok: false, status: 400, error: messages.invalidMobile };
  }
  if (!isSmsPurpose(purpose)) {
    return { ok: false, status: 400, error: messages.badRequest };
  }
  const issued = await issueSmsCode(app.kv, {
    mobile,
    clientAddress,
    purpose,
    applies: await purposeApplies(app.kv, purpose, mobile),
  }, app.now());
  if (!issued.ok) {
    return { ok: false, status: 429, error: messages.smsTooFrequent };
  }
  if (issued.code === null) return { ok: true };
  const delivery = await deliverSmsCode(app.sms, app.config.sms.provider, {
    mobile,
    code: issued.code,
    ttlSeconds: SMS_CODE_TTL_S,
    purpose,
  });
  if (delivery.ok) return { ok: true };
  // Nobody got this code, so nobody may use it: it stops being live whatever went wrong.
  await withdrawSmsCode(app.kv, mobile, purpose, issued.code);
  return delivery.reason === "rate_limited"
    ? { ok: false, status: 429, error: messages.smsTooFrequent }
    : { ok: false, status: 502, error: messages.smsSendFailed };
}

/** A reset or a deletion needs an account to act on; a mobile change needs a mobile nobody has. */
async function purposeApplies(
  kv: Deno.Kv,
  purpose: SmsPurpose,
  mobile: string,
): Promise<boolean> {
  if (purpose === "signup") return true;
  const { user } = await findUserByMobile(kv, mobile);
  return purpose === "change_mobile" ? !user : Boolean(user);
}
