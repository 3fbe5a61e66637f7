// 短信验证码登录: a mobile and the code sent to it (purpose `login`). The right code for a mobile with an
// account logs in; for one without, it is used up and leaves this browser a proof of the mobile, which
// the sign-up's completion turns into an account (lib/accounts/signup_proofs.ts). Until the code is
// right, both kinds of mobile go through the same checks in the same order, with the same answers, so
// nothing tells whether a mobile has an account.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { consumeSmsCodeIn, returnSmsCodeTurn } from "@/lib/sms/codes.ts";
import { checkFormSmsCode } from "./proofs.ts";
import { checkSmsLoginForm } from "@/lib/forms/rules.ts";
import {
  type NewSignupProof,
  newSignupProof,
  writeSignupProofIn,
} from "./signup_proofs.ts";
import { findUserByMobileAlike, type User } from "./users.ts";

export type SmsLoginResult =
  | { ok: true; kind: "logged_in"; user: User }
  /** A mobile with no account: the proof the browser gets, to finish the sign-up. */
  | { ok: true; kind: "new_mobile"; proof: NewSignupProof }
  | {
    ok: false;
    field: "form" | "mobile" | "sms_code";
    message: string;
    fieldErrors?: Partial<Record<"mobile" | "sms_code", string>>;
  };

/** Logs in by the code in `fields.sms_code` for `fields.mobile`; a new mobile's sign-up goes on to `next`. */
export async function logInBySms(
  app: App,
  fields: Partial<Record<string, string>>,
  next: string,
  clientAddress: string,
): Promise<SmsLoginResult> {
  return await audited(
    app,
    "login",
    attemptSmsLogin(app, fields, next),
    (result) => ({
      success: result.ok && result.kind === "new_mobile"
        ? "mobile_proven"
        : "logged_in",
      way: "sms",
      clientAddress,
      userId: result.ok && result.kind === "logged_in"
        ? result.user.id
        : undefined,
      mobile: fields.mobile?.slice(0, 32),
    }),
  );
}

async function attemptSmsLogin(
  app: App,
  fields: Partial<Record<string, string>>,
  next: string,
): Promise<SmsLoginResult> {
  const form = checkSmsLoginForm(fields);
  if (!form.ok) return form;
  const { mobile, sms_code: smsCode } = form.value;
  const { kv } = app;
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const now = app.now();
    // Read for every mobile, before the code, so the code's answer comes after the same reads either way.
    const found = await findUserByMobileAlike(kv, mobile);
    const sms = await checkFormSmsCode(app, mobile, "login", smsCode, now);
    if (!sms.ok) return sms;
    // Past the right code only: an operator stopped this account (`deno task admin disable`).
    if (found.user?.disabledAt) {
      return { ok: false, field: "form", message: messages.accountDisabled };
    }
    // The account read above must still be the one (or still be none: its index is checked absent) when
    // the code is used up.
    const op = consumeSmsCodeIn(kv.atomic().check(...found.checks), sms.entry);
    if (found.user) {
      if ((await op.commit()).ok) {
        return { ok: true, kind: "logged_in", user: found.user };
      }
    } else {
      const proof = newSignupProof(app, mobile, next);
      if ((await writeSignupProofIn(op, proof).commit()).ok) {
        return { ok: true, kind: "new_mobile", proof };
      }
    }
    // An account came or went meanwhile: the next round reads it again, with this round's turn given back.
    await returnSmsCodeTurn(kv, sms.entry, now);
  }
  return { ok: false, field: "form", message: messages.busy };
}
