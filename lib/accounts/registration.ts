// Registration with a mobile, a password and an SMS code; the username is the mobile.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { checkSmsCode, consumeSmsCodeIn } from "@/lib/sms/codes.ts";
import { createUserIn, findUserByMobile, newUser, type User } from "./users.ts";
import { type AccountField, checkSignupForm } from "@/lib/forms/rules.ts";
import { consentTo, recordConsentIn } from "@/lib/legal/consents.ts";

export type RegisterResult =
  | { ok: true; user: User }
  | { ok: false; field: AccountField | "allow" | "form"; message: string };

export async function registerUser(
  app: App,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
): Promise<RegisterResult> {
  return await audited(
    app,
    "register",
    attemptRegistration(app, fields),
    (result) => ({
      success: "created",
      clientAddress,
      userId: result.ok ? result.user.id : undefined,
      mobile: fields.mobile?.slice(0, 32),
    }),
  );
}

async function attemptRegistration(
  app: App,
  fields: Partial<Record<string, string>>,
): Promise<RegisterResult> {
  const form = checkSignupForm(fields);
  if (!form.ok) return form;
  const { mobile, password, sms_code: smsCode } = form.value;
  let passwordHash: string | undefined;
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const now = app.now();
    // A write that lost a race for this mobile: its code was right, so the owner hears the mobile is
    // taken, without spending another of the code's turns on a code the winner has consumed.
    if (attempt > 0 && (await findUserByMobile(app.kv, mobile)).user) {
      return { ok: false, field: "mobile", message: messages.mobileTaken };
    }
    const sms = await checkSmsCode(
      app.kv,
      mobile,
      "signup",
      smsCode,
      now,
    );
    if (!sms.ok) {
      const message = sms.reason === "no_live_code"
        ? messages.smsCodeInvalid
        : messages.smsCodeWrong;
      return { ok: false, field: "sms_code", message };
    }
    if ((await findUserByMobile(app.kv, mobile)).user) {
      return { ok: false, field: "mobile", message: messages.mobileTaken };
    }
    passwordHash ??= await app.passwords.hash(password);
    const user = newUser(mobile, passwordHash, now, "register");
    const op = createUserIn(app.kv.atomic(), user);
    // The account and its consent to the texts its form showed are one write.
    recordConsentIn(op, user.id, consentTo(app.legal, "register", now));
    const { ok } = await consumeSmsCodeIn(op, sms.entry).commit();
    if (ok) return { ok: true, user };
  }
  return { ok: false, field: "mobile", message: messages.mobileTaken };
}
