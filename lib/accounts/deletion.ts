// 注销账号: the current password and a code sent to the account's mobile. The user, its indexes, its
// bindings, its sessions and its consents go in one write, which fails if a binding was added meanwhile (a bind or a
// connect racing it); the audit trail stays, its mobiles masked, and the mobile may register again.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { consumeSmsCodeIn } from "@/lib/sms/codes.ts";
import { endSessionsIn, userSessions } from "@/lib/sessions/sessions.ts";
import {
  bindingByUserKey,
  bindingEntriesOfUser,
} from "@/lib/social/bindings.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { consentEntriesOfUser } from "@/lib/legal/consents.ts";
import { checkDeletionForm } from "@/lib/forms/rules.ts";
import {
  checkCurrentPassword,
  checkFormSmsCode,
  type FormFailure,
} from "./proofs.ts";
import { deleteUserIn, getUserEntry, type User } from "./users.ts";

export type DeletionResult =
  | { ok: true }
  | FormFailure<"password" | "sms_code">;

export async function deleteAccount(
  app: App,
  user: User,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
): Promise<DeletionResult> {
  return await audited(
    app,
    "account_delete",
    attemptDeletion(app, user, fields, clientAddress),
    { success: "deleted", clientAddress, userId: user.id, mobile: user.mobile },
  );
}

async function attemptDeletion(
  app: App,
  user: User,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
): Promise<DeletionResult> {
  const form = checkDeletionForm(fields);
  if (!form.ok) return form;
  const refused = await checkCurrentPassword(
    app,
    user,
    form.value.password,
    clientAddress,
    { uuid: fields.uuid, text: fields.image_code },
    "password",
    messages.passwordWrong,
  );
  if (refused) return refused;
  const { kv } = app;
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const sms = await checkFormSmsCode(
      app,
      user.mobile,
      "delete_account",
      form.value.sms_code,
    );
    if (!sms.ok) return sms;
    const entry = await getUserEntry(kv, user.id);
    if (!entry.value) return { ok: true }; // deleted by a racing request of its own
    const bindings = await bindingEntriesOfUser(kv, user.id);
    const op = deleteUserIn(kv.atomic(), entry);
    for (const binding of bindings) op.check(binding).delete(binding.key);
    // A provider slot read empty must still be empty: else a racing bind's binding would be left behind.
    for (const { id } of PROVIDERS) {
      const key = bindingByUserKey(user.id, id);
      if (!bindings.some((binding) => sameKey(binding.key, key))) {
        op.check({ key, versionstamp: null });
      }
    }
    for (const consent of await consentEntriesOfUser(kv, user.id)) {
      op.check(consent).delete(consent.key);
    }
    consumeSmsCodeIn(op, sms.entry);
    endSessionsIn(op, await userSessions(kv, user.id));
    if ((await op.commit()).ok) return { ok: true };
  }
  return { ok: false, field: "form", message: messages.busy };
}

const sameKey = (a: Deno.KvKey, b: Deno.KvKey) =>
  a.length === b.length && a.every((part, i) => part === b[i]);
