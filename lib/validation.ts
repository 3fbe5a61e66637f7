// The form rules, shared by the islands (as you type) and the server (on submit), so they cannot drift.
import * as z from "zod/mini";
import { formMessages as messages } from "./form_messages.ts";

export const mobileSchema = z.string().check(
  z.regex(/^1[3-9]\d{9}$/, messages.invalidMobile),
);
export const passwordSchema = z.string().check(
  z.regex(/^[0-9A-Za-z]{8,20}$/, messages.invalidPassword),
);
export const smsCodeSchema = z.string().check(
  z.regex(/^\d{6}$/, messages.smsCodeFormat),
);

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
  schema: z.ZodMiniType<string>,
  value: string,
): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : result.error.issues[0].message;
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
    return { ok: false, field: "form", message: messages.missingFields };
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
    return { ok: false, field: "form", message: messages.missingFields };
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
    return { ok: false, field: "form", message: messages.missingFields };
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
    return { ok: false, field: "form", message: messages.missingFields };
  }
  return { ok: true, value: { password, sms_code } };
}

/** True when `password` has a character the rule refuses: its message speaks only of length. */
export function hasForbiddenCharacters(password: string): boolean {
  return /[^0-9A-Za-z]/.test(password);
}
