// 注销账号: the current password and a code sent to the account's mobile. The user, its indexes, its
// bindings, its sessions and its consents go in one write, which fails if a binding was added meanwhile
// (a bind or a connect racing it), and the mobile may register again. Nothing else has to go: the audit
// trail keeps no mobile, uid or address in full (lib/audit.ts), and the codes and limits are keyed by
// pseudonyms (lib/kv/pseudonyms.ts).
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
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
  type AccountPost,
  checkFormSmsCode,
  type FormFailure,
  passwordProvenForm,
} from "./proofs.ts";
import { deleteUserIn, getUserEntry } from "./users.ts";

export type DeletionResult =
  | { ok: true }
  | FormFailure<"password" | "sms_code">;

export const deleteAccount = passwordProvenForm("account_delete", {
  success: "deleted",
  check: checkDeletionForm,
  // The account is going: its hash with it.
  proof: { rehash: false },
  then: eraseProvenAccount,
  more: ({ user }) => ({ mobile: user.mobile }),
});

async function eraseProvenAccount(
  app: App,
  { user }: AccountPost,
  form: { sms_code: string },
): Promise<DeletionResult> {
  const { kv } = app;
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const sms = await checkFormSmsCode(
      app,
      user.mobile,
      "delete_account",
      form.sms_code,
    );
    if (!sms.ok) return sms;
    const erased = await eraseAccountOnce(
      kv,
      user.id,
      (op) => consumeSmsCodeIn(op, sms.entry),
    );
    if (erased !== "changed") return { ok: true }; // gone already: deleted by a racing request of its own
  }
  return { ok: false, field: "form", message: messages.busy };
}

/**
 * Deletes the account `userId`: the user, its indexes, its bindings, sessions and consents in one write (an
 * operator's deletion, `deno task admin delete`). False when there was no such account.
 */
export async function eraseAccount(
  kv: Deno.Kv,
  userId: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const erased = await eraseAccountOnce(kv, userId);
    if (erased !== "changed") return erased === "erased";
  }
  throw new Error("the account kept changing; try again");
}

/** One try at the deletion's write, with `also` in it; "changed" when something moved meanwhile. */
async function eraseAccountOnce(
  kv: Deno.Kv,
  userId: string,
  also: (op: Deno.AtomicOperation) => void = () => {},
): Promise<"erased" | "gone" | "changed"> {
  const entry = await getUserEntry(kv, userId);
  if (!entry.value) return "gone";
  const bindings = await bindingEntriesOfUser(kv, userId);
  const op = deleteUserIn(kv.atomic(), entry);
  for (const binding of bindings) op.check(binding).delete(binding.key);
  // A provider slot read empty must still be empty: else a racing bind's binding would be left behind.
  for (const { id } of PROVIDERS) {
    const key = bindingByUserKey(userId, id);
    if (!bindings.some((binding) => sameKey(binding.key, key))) {
      op.check({ key, versionstamp: null });
    }
  }
  for (const consent of await consentEntriesOfUser(kv, userId)) {
    op.check(consent).delete(consent.key);
  }
  also(op);
  endSessionsIn(op, await userSessions(kv, userId));
  return (await op.commit()).ok ? "erased" : "changed";
}

const sameKey = (a: Deno.KvKey, b: Deno.KvKey) =>
  a.length === b.length && a.every((part, i) => part === b[i]);
