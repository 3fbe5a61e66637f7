// Registration with a mobile, a password and an SMS code; the username is the mobile. Or, after an SMS
// login proved a mobile with no account, with only the password (the sign-up's completion).
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { consumeSmsCodeIn } from "@/lib/sms/codes.ts";
import { auditedMobileForm, checkFormSmsCode } from "./proofs.ts";
import { createUserIn, findUserByMobile, newUser, type User } from "./users.ts";
import {
  type AccountField,
  checkSignupCompletionForm,
  checkSignupForm,
} from "@/lib/forms/rules.ts";
import { consentTo, recordConsentIn } from "@/lib/legal/consents.ts";
import { type HeldSignupProof, spendSignupProofIn } from "./signup_proofs.ts";

export type RegisterResult =
  | { ok: true; user: User }
  | {
    ok: false;
    field: AccountField | "allow" | "form";
    message: string;
    fieldErrors?: Partial<Record<AccountField, string>>;
  };

export type CompletionResult =
  | { ok: true; user: User }
  | {
    ok: false;
    field: "form" | "password" | "allow" | "proof" | "mobile";
    message: string;
    fieldErrors?: Partial<Record<"password", string>>;
  };

export const registerUser = auditedMobileForm(
  "register",
  "created",
  attemptRegistration,
);

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
    const sms = await checkFormSmsCode(app, mobile, "signup", smsCode, now);
    if (!sms.ok) return sms;
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

/**
 * The sign-up an SMS login started: the mobile `proof` holds (this browser's, live) gets an account with
 * the posted password, once the user agrees to the terms (`allow=on`, checked after the password's
 * format). The account and the proof's use are one write: a proof makes at most one account.
 */
export async function completeSmsSignup(
  app: App,
  proof: HeldSignupProof | null,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
): Promise<CompletionResult> {
  return await audited(
    app,
    "register",
    attemptCompletion(app, proof, fields),
    (result) => ({
      success: "created",
      way: "sms",
      clientAddress,
      userId: result.ok ? result.user.id : undefined,
      mobile: proof?.mobile,
    }),
  );
}

async function attemptCompletion(
  app: App,
  proof: HeldSignupProof | null,
  fields: Partial<Record<string, string>>,
): Promise<CompletionResult> {
  const expired: CompletionResult = {
    ok: false,
    field: "proof",
    message: messages.signupProofExpired,
  };
  if (!proof) return expired;
  const form = checkSignupCompletionForm(fields);
  if (!form.ok) return form;
  const now = app.now();
  const user = newUser(
    proof.mobile,
    await app.passwords.hash(form.value.password),
    now,
    "sms_login",
  );
  const op = spendSignupProofIn(createUserIn(app.kv.atomic(), user), proof);
  recordConsentIn(op, user.id, consentTo(app.legal, "sms_login", now));
  if ((await op.commit()).ok) return { ok: true, user };
  // Lost to another write: the proof used by another tab, or the mobile registered meanwhile.
  if ((await findUserByMobile(app.kv, proof.mobile)).user) {
    return { ok: false, field: "mobile", message: messages.mobileTaken };
  }
  return expired;
}
