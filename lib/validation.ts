// The form rules, shared by the islands (as you type) and the server (on submit), so they cannot drift.
// They are built from zod's core (the string type and regex check zod/mini wraps) and read through
// Standard Schema's validate: the islands ship them without zod/mini's methods and error classes.
import * as z from "zod/v4/core";
import * as formMessages from "./form_messages.ts";

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
export const passwordSchema = matching(
  /^[0-9A-Za-z]{8,20}$/,
  formMessages.invalidPassword,
);
export const smsCodeSchema = matching(/^\d{6}$/, formMessages.smsCodeFormat);

/** The fields of the bind and register forms, as the contract names them. */
export type AccountField = "mobile" | "password" | "sms_code";
export type AccountForm = Record<AccountField, string>;

/** The account page's fields: the new mobile's form is the bind form's, with the current password. */
export type AccountPageField = AccountField | "old_password";

export type FieldCheck<T, F extends string = AccountField> =
  | { ok: true; value: T }
  | { ok: false; field: F | "form"; message: string };

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
  const { mobile, password, sms_code } = fields;
  if (!mobile || !password || !sms_code) {
    return { ok: false, field: "form", message: formMessages.missingFields };
  }
  const mobileError = fieldError(mobileSchema, mobile);
  if (mobileError) return { ok: false, field: "mobile", message: mobileError };
  const passwordError = fieldError(passwordSchema, password);
  if (passwordError) {
    return { ok: false, field: "password", message: passwordError };
  }
  return { ok: true, value: { mobile, password, sms_code } };
}

/** 修改密码: the current password and a new one by the password rule. */
export function checkPasswordChangeForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ old_password: string; password: string }, AccountPageField> {
  const { old_password, password } = fields;
  if (!old_password || !password) {
    return { ok: false, field: "form", message: formMessages.missingFields };
  }
  const passwordError = fieldError(passwordSchema, password);
  if (passwordError) {
    return { ok: false, field: "password", message: passwordError };
  }
  return { ok: true, value: { old_password, password } };
}

/** 更换手机号: the current password, the new mobile and the code sent to it. */
export function checkMobileChangeForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<AccountForm> {
  const { mobile, password, sms_code } = fields;
  if (!mobile || !password || !sms_code) {
    return { ok: false, field: "form", message: formMessages.missingFields };
  }
  const mobileError = fieldError(mobileSchema, mobile);
  if (mobileError) return { ok: false, field: "mobile", message: mobileError };
  return { ok: true, value: { mobile, password, sms_code } };
}

/** 注销账号: the current password and the code sent to the account's mobile. */
export function checkDeletionForm(
  fields: Partial<Record<string, string>>,
): FieldCheck<{ password: string; sms_code: string }, "password" | "sms_code"> {
  const { password, sms_code } = fields;
  if (!password || !sms_code) {
    return { ok: false, field: "form", message: formMessages.missingFields };
  }
  return { ok: true, value: { password, sms_code } };
}

/** True when `password` has a character the rule refuses: its message speaks only of length. */
export function hasForbiddenCharacters(password: string): boolean {
  return /[^0-9A-Za-z]/.test(password);
}
