// What a bind or register form that comes back keeps of what was typed: the mobile, a live SMS code and
// the rest of the gap before another code may be sent. The password is never sent back into a page.
import type { App } from "@/lib/app.ts";
import { secondsUntilResend } from "@/lib/sms/codes.ts";
import { fieldError, mobileSchema, smsCodeSchema } from "@/lib/validation.ts";

export interface KeptAccountFields {
  mobile: string;
  smsCode?: string;
  resendInS: number;
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
    resendInS: validMobile
      ? await secondsUntilResend(app.kv, mobile, app.now())
      : 0,
  };
}
