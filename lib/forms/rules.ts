// The form rules, shared by the islands (as you type) and the server (on submit), so they cannot drift.
// They are built from zod's core (the string type and regex check zod/mini wraps) and read through
// Standard Schema's validate: the islands ship them without zod/mini's methods and error classes.
import * as z from "zod/v4/core";
import * as formMessages from "./words.ts";

/** A string that must match `pattern`, else `message`. */
const matching = (pattern: RegExp, message: string) =>
  new z.$ZodString({
    type: "string",
    checks: [
      new z.$ZodCheckRegex({
        check: "string_format",
        format: "regex",
        pattern,
        error: () => message,
      }),
    ],
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

/** The fields of the bind and register forms, as the contract names them. */
export type AccountField = "mobile" | "password" | "sms_code";
export type AccountForm = Record<AccountField, string>;

/** The account page's fields: the new mobile's form is the bind form's, with the current password. */
export type AccountPageField = AccountField | "old_password";

/** What each field says when it is left empty: under the field, beside the form's 缺少必传参数. */
export const MISSING: Record<AccountPageField | "username", string> = {
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

/** The first message `schema` has for `value`, or null when it passes. */
export function fieldError(
  schema: z.$ZodType<string>,
  value: string,
): string | null {
  // These schemas are synchronous: validate never gives them a promise.
  const result = schema["~standard"].validate(value);
  return "issues" in result ? result.issues?.[0]?.message ?? null : null;
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

/** The SMS login's sign-up: only the password (the mobile was proven by its code). */
export function checkSignupCompletionForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ password: string }, "password"> {
  return checkFields(fields, ["password"], { password: passwordSchema });
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
  rules: Partial<Record<F, z.$ZodType<string>>>,
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
