// Sending a code: issue it under the limits, hand it to the provider, withdraw it if delivery fails.
import type { App } from "@/lib/app.ts";
import { maskMobile } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { issueSmsCode, SMS_CODE_TTL_S, withdrawSmsCode } from "./codes.ts";
import { fieldError, mobileSchema } from "@/lib/validation.ts";

export type SendResult = { ok: true } | {
  ok: false;
  status: 400 | 429 | 502;
  error: string;
};

export async function sendSmsCode(
  app: App,
  mobile: string,
  clientAddress: string,
): Promise<SendResult> {
  if (fieldError(mobileSchema, mobile)) {
    return { ok: false, status: 400, error: messages.invalidMobile };
  }
  const issued = await issueSmsCode(app.kv, mobile, clientAddress, app.now());
  if (!issued.ok) {
    return { ok: false, status: 429, error: messages.smsTooFrequent };
  }
  try {
    await app.sms.send(mobile, issued.code, SMS_CODE_TTL_S);
    return { ok: true };
  } catch (error) {
    console.error(`SMS delivery to ${maskMobile(mobile)} failed: ${error}`);
    await withdrawSmsCode(app.kv, mobile, issued.code);
    return { ok: false, status: 502, error: messages.smsSendFailed };
  }
}
