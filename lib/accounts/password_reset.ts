// 忘记密码: a new password for the account of a mobile, proven by an SMS code sent for that purpose.
// The password, the code's use and the end of every session are one write; the account's login
// limit is then cleared, so the owner is not kept behind an image code a guesser caused.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { messages } from "@/lib/messages.ts";
import { consumeSmsCodeIn } from "@/lib/sms/codes.ts";
import { endSessionsIn, userSessions } from "@/lib/sessions/sessions.ts";
import { type AccountField, checkAccountForm } from "@/lib/forms/rules.ts";
import {
  auditedMobileForm,
  checkFormSmsCode,
  type UserChange,
} from "./proofs.ts";
import { clearLoginAttempts, clearPasswordChecksToday } from "./throttle.ts";
import {
  findUserByMobile,
  getUserEntry,
  setPasswordIn,
  withNewPassword,
} from "./users.ts";

export type ResetResult = UserChange<AccountField>;

export const resetPassword = auditedMobileForm(
  "password_reset",
  "reset",
  attemptReset,
);

async function attemptReset(
  app: App,
  fields: Partial<Record<string, string>>,
): Promise<ResetResult> {
  const form = checkAccountForm(fields);
  if (!form.ok) return form;
  const { mobile, password, sms_code: smsCode } = form.value;
  let passwordHash: string | undefined;
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const { user: found } = await findUserByMobile(app.kv, mobile);
    const sms = await checkFormSmsCode(app, mobile, "reset_password", smsCode);
    if (!sms.ok) return sms;
    // A reset code is only ever sent to a mobile with an account; one deleted since has none.
    const entry = found && await getUserEntry(app.kv, found.id);
    if (!entry?.value || entry.value.mobile !== mobile) {
      return { ok: false, field: "sms_code", message: messages.smsCodeInvalid };
    }
    passwordHash ??= await app.passwords.hash(password);
    const op = setPasswordIn(app.kv.atomic(), entry, passwordHash);
    consumeSmsCodeIn(op, sms.entry);
    endSessionsIn(op, await userSessions(app.kv, entry.value.id));
    if ((await op.commit()).ok) {
      const user = withNewPassword(entry, passwordHash);
      await clearLoginAttempts(app.kv, user.username);
      await clearLoginAttempts(app.kv, user.mobile);
      await clearPasswordChecksToday(app.kv, user.id, app.now());
      return { ok: true, user: { ...user, passwordHash } };
    }
  }
  return { ok: false, field: "form", message: messages.busy };
}
