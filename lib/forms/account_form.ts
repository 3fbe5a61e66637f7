// What a form with an SMS code (bind, register, password reset, mobile change, deletion) keeps of what
// was typed when it comes back: the mobile, a live SMS code and the rest of the gap before another code
// may be sent. The password is never sent back into a page.
import type { App } from "@/lib/app/app.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { type SmsSentView, smsSentView } from "@/lib/forms/help.ts";
import { secondsUntilResend, type SmsPurpose } from "@/lib/sms/codes.ts";
import { sendSmsCodeFromForm } from "@/lib/sms/sending.ts";
import { fieldError, mobileSchema, smsCodeSchema } from "@/lib/forms/rules.ts";

export interface KeptAccountFields {
  mobile: string;
  smsCode?: string;
  resendInS: number;
  /** The consent box (register and bind forms), ticked by the user who posted it. */
  allow: boolean;
}

/** `keepSmsCode` is false when the code is what failed, or a new one just replaced it. */
export async function keptAccountFields(
  app: App,
  fields: Partial<Record<string, string>>,
  { keepSmsCode }: { keepSmsCode: boolean },
): Promise<KeptAccountFields> {
  const mobile = fields.mobile?.slice(0, 32) ?? "";
  const validMobile = fieldError(mobileSchema, mobile) === null;
  const code = fields.sms_code ?? "";
  // A code is only worth keeping for the mobile it was sent to, and only when it looks like one.
  const smsCode =
    keepSmsCode && validMobile && fieldError(smsCodeSchema, code) === null
      ? code
      : undefined;
  return {
    mobile,
    smsCode,
    allow: fields.allow === "on",
    resendInS: validMobile
      ? await secondsUntilResend(app.kv, mobile, app.now())
      : 0,
  };
}

/**
 * The form's 获取短信验证码 button, posted without JavaScript (`action=send_sms`): sends the code (or is
 * refused) and gives the form as it comes back, with the page's status. `mobile` is the form's own
 * unless the code must go elsewhere (the account's mobile, for a deletion).
 */
export async function askForSmsCode(
  app: App,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
  { purpose, mobile = fields.mobile ?? "", browser = null }: {
    purpose: SmsPurpose;
    mobile?: string;
    /** The browser's id: an image code answers only where it was drawn. */
    browser?: string | null;
  },
): Promise<{ form: KeptAccountFields & SmsSentView; status: number }> {
  const sent = await sendSmsCodeFromForm(app, {
    mobile,
    purpose,
    challenge: challengeAnswer(fields, browser),
  }, clientAddress);
  const kept = await keptAccountFields(app, { ...fields, mobile }, {
    keepSmsCode: !sent.ok,
  });
  const { view, status } = smsSentView(sent);
  return { form: { ...kept, ...view }, status };
}

/**
 * A form refused for `failure`: what it keeps (the code, unless the code was what failed) and the
 * messages (its own, and one under each field left empty).
 */
export async function refusedForm(
  app: App,
  fields: Partial<Record<string, string>>,
  failure: {
    field: string;
    message: string;
    fieldErrors?: Partial<Record<string, string>>;
  },
): Promise<KeptAccountFields & { errors: Partial<Record<string, string>> }> {
  const kept = await keptAccountFields(app, fields, {
    keepSmsCode: failure.field !== "sms_code",
  });
  return {
    ...kept,
    errors: { ...failure.fieldErrors, [failure.field]: failure.message },
  };
}

/**
 * A kept form (lib/http/form_states.ts) shown again later: the wait before another code counted from
 * now, not from when the form was refused.
 */
export async function withResendWaitNow<T extends { resendInS?: number }>(
  app: App,
  form: T & { mobile: string },
): Promise<T & { mobile: string }> {
  const validMobile = fieldError(mobileSchema, form.mobile) === null;
  return {
    ...form,
    resendInS: validMobile
      ? await secondsUntilResend(app.kv, form.mobile, app.now())
      : 0,
  };
}
