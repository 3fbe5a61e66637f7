// What the account page's forms and the reset check alike: the current password (throttled as a
// login is, so a stolen session can't guess it) and an SMS code of the form's purpose.
import type { App } from "@/lib/app/app.ts";
import { messages } from "@/lib/messages.ts";
import {
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
 * An account form's action as a route calls it: `attempt` on the post, audited as `action`, its success
 * called `success`, with whatever `more` the record keeps of how it went.
 */
export function auditedAccountForm<Result extends Attempt>(
  action: AuditEvent["action"],
  success: string,
  attempt: (app: App, post: AccountPost) => Promise<Result>,
  more: (post: AccountPost, result: Result) => Partial<AuditNote> = () => ({}),
): AccountFormAction<Result> {
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

/** The live code of `purpose` for `mobile` matching `guess`, or the bind table's message for why not. */
export async function checkFormSmsCode(
  app: App,
  mobile: string,
  purpose: SmsPurpose,
  guess: string,
): Promise<
  { ok: true; entry: Deno.KvEntry<SmsCode> } | FormFailure<"sms_code">
> {
  const sms = await checkSmsCode(app.kv, mobile, purpose, guess, app.now());
  if (sms.ok) return sms;
  const message = sms.reason === "no_live_code"
    ? messages.smsCodeInvalid
    : messages.smsCodeWrong;
  return { ok: false, field: "sms_code", message };
}
