// What the account page's forms and the reset check alike: the current password (throttled as a
// login is, so a stolen session can't guess it) and an SMS code of the form's purpose. And the one shape
// of such a form as a route calls it: its rules, its proofs, then its write, audited once.
import type { App } from "@/lib/app/app.ts";
import { messages } from "@/lib/messages.ts";
import {
  type CheckResult,
  checkSmsCode,
  type SmsCode,
  type SmsPurpose,
} from "@/lib/sms/codes.ts";
import {
  type Attempt,
  audited,
  type AuditEvent,
  type AuditNote,
} from "@/lib/audit.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { admitPasswordCheck } from "./throttle.ts";
import { upgradePassword } from "./password_upgrade.ts";
import type { User } from "./users.ts";

/** A refusal of an account form: the field it belongs to, and whether the form must show an image code. */
export interface FormFailure<F extends string = string> {
  ok: false;
  field: F | "form" | "image_code";
  message: string;
  captcha?: boolean;
  /** Each field left empty, with what it says under it (`message` is then 缺少必传参数). */
  fieldErrors?: Partial<Record<string, string>>;
}

/** What a form that changes an account gives: the user as it is now, or why not. */
export type UserChange<F extends string> =
  | { ok: true; user: User }
  | FormFailure<F>;

// bcrypt reads at most 72 bytes; a longer field is no one's password and not worth hashing.
const MAX_PASSWORD = 128;

/** A logged-in user's post of an account form: what it carried, from which address and browser. */
export interface AccountPost {
  user: User;
  fields: Partial<Record<string, string>>;
  clientAddress: string;
  /** The browser's id (lib/http/browser_id.ts): an image code answers only where it was drawn. */
  browser: string | null;
}

/** An account form's action: on what `user` posted from `clientAddress` in the browser `browser`. */
export type AccountFormAction<Result> = (
  app: App,
  user: User,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
  browser?: string | null,
) => Promise<Result>;

/**
 * An account form that asks for the current password, as a route calls it, audited as `action`: the
 * form's own rules (`check`), then its current password (in the field `proof.field`, `password` unless
 * told, checked as `checkCurrentPassword` does with `proof`'s options), then what it does (`then`). Its
 * record says `success`, with whatever `more` it keeps of how it went.
 */
export function passwordProvenForm<
  Form extends Record<F, string>,
  Result extends Attempt,
  F extends string = "password",
>(
  action: AuditEvent["action"],
  { success, check, proof = {}, then, more = () => ({}) }: {
    success: string;
    check: (
      fields: Partial<Record<string, string>>,
    ) => { ok: true; value: Form } | FormFailure;
    proof?: { field?: F; wrong?: string; rehash?: boolean };
    then: (app: App, post: AccountPost, form: Form) => Promise<Result>;
    more?: (
      post: AccountPost,
      result: Result | FormFailure,
    ) => Partial<AuditNote>;
  },
): AccountFormAction<Result | FormFailure | FormFailure<F>> {
  const attempt = async (app: App, post: AccountPost) => {
    const form = check(post.fields);
    if (!form.ok) return form;
    const refused = await checkCurrentPassword(
      app,
      post,
      form.value[proof.field ?? "password" as F],
      proof,
    );
    return refused ?? await then(app, post, form.value);
  };
  return async (app, user, fields, clientAddress, browser = null) => {
    const post = { user, fields, clientAddress, browser };
    return await audited(app, action, attempt(app, post), (result) => ({
      success,
      clientAddress,
      userId: user.id,
      ...more(post, result),
    }));
  };
}

/**
 * A form of someone not logged in for the account of the mobile it names (a registration, a reset), as a
 * route calls it: `attempt` audited as `action`, its success called `success`, with the account it came
 * to and the mobile typed.
 */
export function auditedMobileForm<
  Result extends { ok: true; user: User } | Extract<Attempt, { ok: false }>,
>(
  action: AuditEvent["action"],
  success: string,
  attempt: (
    app: App,
    fields: Partial<Record<string, string>>,
  ) => Promise<Result>,
): (
  app: App,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
) => Promise<Result> {
  return async (app, fields, clientAddress) =>
    await audited(app, action, attempt(app, fields), (result) => ({
      success,
      clientAddress,
      userId: result.ok ? result.user.id : undefined,
      mobile: fields.mobile?.slice(0, 32),
    }));
}

/**
 * Null when `password` is the posting user's; else why not, in the field `field` (`password` unless
 * told), with `wrong` as the message. An imported account's Django hash that matched is replaced by the
 * app's own in a write of its own, unless `rehash` is false: a form whose own write replaces the
 * password or removes the user.
 */
export async function checkCurrentPassword<F extends string = "password">(
  app: App,
  { user, fields, clientAddress, browser }: AccountPost,
  password: string,
  { field = "password" as F, wrong = messages.passwordWrong, rehash = true }: {
    field?: F;
    wrong?: string;
    rehash?: boolean;
  } = {},
): Promise<FormFailure<F> | null> {
  const admission = await admitPasswordCheck(
    app,
    { login: user.username, userId: user.id },
    clientAddress,
    challengeAnswer(fields, browser),
  );
  if (!admission.ok) {
    return {
      ok: false,
      field: admission.field === "image_code" ? "image_code" : field,
      message: admission.message,
      captcha: admission.captcha,
    };
  }
  const valid = password.length <= MAX_PASSWORD &&
    await app.passwords.verify(password, user.passwordHash);
  await admission.settle(valid);
  if (!valid) {
    return { ok: false, field, message: wrong, captcha: admission.pastLimit };
  }
  if (rehash) await upgradePassword(app, user, password);
  return null;
}

/** The live code of `purpose` for `mobile` matching `guess` at `now`, or the bind table's message for why not. */
export async function checkFormSmsCode(
  app: App,
  mobile: string,
  purpose: SmsPurpose,
  guess: string,
  now: number = app.now(),
): Promise<
  | { ok: true; entry: Deno.KvEntry<SmsCode> }
  | { ok: false; field: "sms_code"; message: string }
> {
  const sms = await checkSmsCode(app.kv, mobile, purpose, guess, now);
  if (sms.ok) return sms;
  return { ok: false, field: "sms_code", message: smsCodeMessage(sms.reason) };
}

/** What a form says of a code refused for `reason`: no live code (无效), or not the one sent (错误). */
export function smsCodeMessage(
  reason: Extract<CheckResult, { ok: false }>["reason"],
): string {
  return reason === "no_live_code"
    ? messages.smsCodeInvalid
    : messages.smsCodeWrong;
}
