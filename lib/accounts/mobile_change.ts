// 更换手机号 on the account page: the current password, the code sent to the new mobile, and that
// mobile free. The user, its mobile index (and its username, when it was the old mobile), the code's
// use and the end of every session are one write, so of two changes to one new mobile exactly one wins.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { messages } from "@/lib/messages.ts";
import { consumeSmsCodeIn, returnSmsCodeTurn } from "@/lib/sms/codes.ts";
import { endSessionsIn, userSessions } from "@/lib/sessions/sessions.ts";
import {
  type AccountField,
  type AccountForm,
  checkMobileChangeForm,
} from "@/lib/forms/rules.ts";
import {
  type AccountPost,
  checkFormSmsCode,
  passwordProvenForm,
  type UserChange,
} from "./proofs.ts";
import {
  changeMobileIn,
  findUserByLogin,
  getUserEntry,
  withMobile,
} from "./users.ts";

export type MobileChangeResult = UserChange<AccountField>;

export const changeMobile = passwordProvenForm("mobile_change", {
  success: "changed",
  check: checkMobileChangeForm,
  then: changeToProvenMobile,
  more: ({ fields }, result) => ({
    mobile: result.ok ? result.user.mobile : fields.mobile?.slice(0, 32),
  }),
});

async function changeToProvenMobile(
  app: App,
  { user }: AccountPost,
  { mobile, sms_code: smsCode }: AccountForm,
): Promise<MobileChangeResult> {
  const taken: MobileChangeResult = {
    ok: false,
    field: "mobile",
    message: messages.mobileTaken,
  };
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    // The code first: whether the mobile has an account is told only to whoever holds its phone. (A
    // mobile with one was sent no code, and its undelivered code matches no guess.)
    const sms = await checkFormSmsCode(app, mobile, "change_mobile", smsCode);
    if (!sms.ok) return sms;
    if (await findUserByLogin(app.kv, mobile)) return taken;
    const entry = await getUserEntry(app.kv, user.id);
    if (!entry.value) {
      await returnSmsCodeTurn(app.kv, sms.entry, app.now());
      return { ok: false, field: "form", message: messages.busy };
    }
    const op = changeMobileIn(app.kv.atomic(), entry, mobile);
    consumeSmsCodeIn(op, sms.entry);
    endSessionsIn(op, await userSessions(app.kv, user.id));
    if ((await op.commit()).ok) {
      return { ok: true, user: withMobile(entry.value, mobile) };
    }
  }
  return taken;
}
