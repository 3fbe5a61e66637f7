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
  auditedAccountForm,
  checkCurrentPassword,
  type FormFailure,
} from "./proofs.ts";
import {
  getUserEntry,
  setPasswordIn,
  type User,
  withNewPassword,
} from "./users.ts";

export type PasswordChangeResult =
  | { ok: true; user: User }
  | FormFailure<AccountPageField>;

export const changePassword = auditedAccountForm(
  "password_change",
  "changed",
  attemptChange,
);

async function attemptChange(
  app: App,
  post: AccountPost,
): Promise<PasswordChangeResult> {
  const form = checkPasswordChangeForm(post.fields);
  if (!form.ok) return form;
  const { user } = post;
  const refused = await checkCurrentPassword(
    app,
    post,
    form.value.old_password,
    {
      field: "old_password",
      wrong: messages.oldPasswordWrong,
      // The change's own write replaces the hash, imported or not.
      rehash: false,
    },
  );
  if (refused) return refused;
  const passwordHash = await app.passwords.hash(form.value.password);
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
