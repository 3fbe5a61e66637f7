// The form rules, shared by the islands (as you type) and the server (on submit), so they cannot drift.
// Each is zod core's regex check (the one zod/mini's `z.regex()` makes), run by its own check function:
// the islands ship the checks without zod's type machinery, Standard Schema wrapper and issue formatting,
// which cost the bind page 1.1 KiB of its 12 KiB of script on the wire.
import * as z from "zod/v4/core";
import * as formMessages from "./words.ts";

/** A rule a field's text must pass: a zod regex check, and what the field says when it fails. */
export interface FieldRule {
  check: z.$ZodCheckRegex;
  message: string;
}

/** A string that must match `pattern`, else `message`. */
const matching = (pattern: RegExp, message: string): FieldRule => ({
  check: new z.$ZodCheckRegex({
    check: "string_format",
    format: "regex",
    pattern,
  }),
  message,
});

export const mobileSchema = matching(
  /^1[3-9]\d{9}$/,
  formMessages.invalidMobile,
);
// 8–20 printable ASCII characters, no space: letters, digits and symbols, a superset of the seed's rule.
export const passwordSchema = matching(
  /^[\x21-\x7E]{8,20}$/,
  formMessages.invalidPassword,
);
export const smsCodeSchema = matching(/^\d{6}$/, formMessages.smsCodeFormat);
/** 我已阅读并同意《用户协议》和《隐私政策》: `on` is what a browser posts for the ticked box. */
export const allowSchema = matching(/^on$/, formMessages.allowRequired);

/** The fields of the bind and register forms, as the contract names them. */
export type AccountField = "mobile" | "password" | "sms_code";
export type AccountForm = Record<AccountField, string>;

/** The account page's fields: the new mobile's form is the bind form's, with the current password. */
export type AccountPageField = AccountField | "old_password";

/** What each account field says when it is left empty: under the field, beside the form's 缺少必传参数. */
export const ACCOUNT_MISSING: Record<AccountField, string> = {
  mobile: formMessages.mobileMissing,
  password: formMessages.passwordMissing,
  sms_code: formMessages.smsCodeMissing,
};

/** The same for every field of every form (an island ships only the words of the map it uses). */
export const MISSING: Record<AccountPageField | "username", string> = {
  // Spelled out rather than spread: a spread is code the bundler keeps, and with it every word.
  mobile: formMessages.mobileMissing,
  password: formMessages.passwordMissing,
  sms_code: formMessages.smsCodeMissing,
  old_password: formMessages.oldPasswordMissing,
  username: formMessages.usernameMissing,
};

export type FieldCheck<T, F extends string = AccountField> =
  | { ok: true; value: T }
  | {
    ok: false;
    field: F | "form";
    message: string;
    /** Messages of other fields besides `field`'s: each field left empty says so under it. */
    fieldErrors?: Partial<Record<F, string>>;
  };

/** The message `rule` has for `value`, or null when it passes. */
export function fieldError(rule: FieldRule, value: string): string | null {
  const payload: z.ParsePayload<string> = { value, issues: [] };
  // A regex check is synchronous: it has added its issue, or none, when it returns.
  rule.check._zod.check(payload);
  return payload.issues.length > 0 ? rule.message : null;
}

/**
 * Checks mobile, password and code are present and the first two well formed, in the contract's order.
 * The code's form is not judged here: a malformed code is simply a wrong one.
 */
export function checkAccountForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<AccountForm> {
  return checkFields(fields, ["mobile", "password", "sms_code"], {
    mobile: mobileSchema,
    password: passwordSchema,
  });
}

/**
 * The register and bind forms: the account form's checks, then the consent box ticked, before anything
 * (an SMS code above all) is spent on the form.
 */
export function checkSignupForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<AccountForm, AccountField | "allow"> {
  return withConsent(fields, checkAccountForm(fields));
}

/** `form`'s check, then the consent box: refused with 请勾选用户协议 when it is not ticked. */
function withConsent<T, F extends string>(
  fields: Partial<Record<string, string>>,
  form: FieldCheck<T, F>,
): FieldCheck<T, F | "allow"> {
  if (!form.ok) return form as FieldCheck<T, F | "allow">;
  const message = fieldError(allowSchema, fields.allow ?? "");
  return message ? { ok: false, field: "allow", message } : form;
}

/** 修改密码: the current password and a new one by the password rule. */
export function checkPasswordChangeForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ old_password: string; password: string }, AccountPageField> {
  return checkFields(fields, ["old_password", "password"], {
    password: passwordSchema,
  });
}

/** 更换手机号: the current password (not judged: only compared), the new mobile and the code sent to it. */
export function checkMobileChangeForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<AccountForm> {
  return checkFields(fields, ["mobile", "password", "sms_code"], {
    mobile: mobileSchema,
  });
}

/** 短信验证码登录: the mobile and the code sent to it (purpose `login`). */
export function checkSmsLoginForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ mobile: string; sms_code: string }, "mobile" | "sms_code"> {
  return checkFields(fields, ["mobile", "sms_code"], { mobile: mobileSchema });
}

/** The SMS login's sign-up: only the password (the mobile was proven by its code), and the consent box. */
export function checkSignupCompletionForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ password: string }, "password" | "allow"> {
  return withConsent(
    fields,
    checkFields(fields, ["password"], { password: passwordSchema }),
  );
}

/** 注销账号: the current password and the code sent to the account's mobile. */
export function checkDeletionForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ password: string; sms_code: string }, "password" | "sms_code"> {
  return checkFields(fields, ["password", "sms_code"], {});
}

/** Every one of `names` given (else the form is incomplete), then each with a rule checked in that order. */
function checkFields<F extends string>(
  fields: Partial<Record<string, string>>,
  names: readonly F[],
  rules: Partial<Record<F, FieldRule>>,
): FieldCheck<Record<F, string>, F> {
  const value = {} as Record<F, string>;
  const missing: Partial<Record<F, string>> = {};
  for (const name of names) {
    const given = fields[name];
    if (given) value[name] = given;
    else missing[name] = MISSING[name as AccountPageField];
  }
  if (Object.keys(missing).length > 0) {
    return {
      ok: false,
      field: "form",
      message: formMessages.missingFields,
      fieldErrors: missing,
    };
  }
  for (const name of names) {
    const rule = rules[name];
    const message = rule ? fieldError(rule, value[name]) : null;
    if (message) return { ok: false, field: name, message };
  }
  return { ok: true, value };
}

/** True when `password` has a character the rule refuses (a space, a Chinese character): its message speaks only of length. */
export function hasForbiddenCharacters(password: string): boolean {
  return /[^\x21-\x7E]/.test(password);
}
