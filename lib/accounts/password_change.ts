// 修改密码 on the account page: the current password, then the new one. The password and the end of
// every session of the user are one write; the browser that changed it is logged in again.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { messages } from "@/lib/messages.ts";
import { endSessionsIn, userSessions } from "@/lib/sessions/sessions.ts";
import {
  type AccountPageField,
  checkPasswordChangeForm,
} from "@/lib/forms/rules.ts";
import {
  type AccountPost,
  passwordProvenForm,
  type UserChange,
} from "./proofs.ts";
import { getUserEntry, setPasswordIn, withNewPassword } from "./users.ts";

export type PasswordChangeResult = UserChange<AccountPageField>;

export const changePassword = passwordProvenForm("password_change", {
  success: "changed",
  check: checkPasswordChangeForm,
  proof: {
    field: "old_password",
    wrong: messages.oldPasswordWrong,
    // The change's own write replaces the hash, imported or not.
    rehash: false,
  },
  then: changeProvenPassword,
});

async function changeProvenPassword(
  app: App,
  { user }: AccountPost,
  form: { password: string },
): Promise<PasswordChangeResult> {
  const passwordHash = await app.passwords.hash(form.password);
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const entry = await getUserEntry(app.kv, user.id);
    // Changed meanwhile by a reset or another change: the password just checked is no longer the one.
    if (!entry.value || entry.value.passwordHash !== user.passwordHash) {
      return {
        ok: false,
        field: "old_password",
        message: messages.oldPasswordWrong,
      };
    }
    const op = setPasswordIn(app.kv.atomic(), entry, passwordHash);
    endSessionsIn(op, await userSessions(app.kv, user.id));
    if ((await op.commit()).ok) {
      return { ok: true, user: withNewPassword(entry, passwordHash) };
    }
  }
  return { ok: false, field: "form", message: messages.busy };
}
