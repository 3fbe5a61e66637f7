// The form rules, shared by the islands (as you type) and the server (on submit), so they cannot drift.
// They are built from zod's core and read through Standard Schema's validate: the islands ship them
// without zod/mini's methods and error classes. Each is a custom check, the smallest of zod's core
// types that carries one (a string type with a regex check ships the string and format machinery too).
import * as z from "zod/v4/core";
import * as formMessages from "./words.ts";

/** A string that must match `pattern`, else `message`. */
const matching = (pattern: RegExp, message: string) =>
  new z.$ZodCustom({
    type: "custom",
    check: "custom",
    fn: (value) => typeof value === "string" && pattern.test(value),
    error: () => message,
  }) as z.$ZodType<string>;

export const mobileSchema = matching(
  /^1[3-9]\d{9}$/,
  formMessages.invalidMobile,
);
export const passwordSchema = matching(
  /^[0-9A-Za-z]{8,20}$/,
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
  const form = checkAccountForm(fields);
  if (!form.ok) return form;
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
  for (const name of names) {
    const given = fields[name];
    if (!given) {
      return { ok: false, field: "form", message: formMessages.missingFields };
    }
    value[name] = given;
  }
  for (const name of names) {
    const rule = rules[name];
    const message = rule ? fieldError(rule, value[name]) : null;
    if (message) return { ok: false, field: name, message };
  }
  return { ok: true, value };
}

/** True when `password` has a character the rule refuses: its message speaks only of length. */
export function hasForbiddenCharacters(password: string): boolean {
  return /[^0-9A-Za-z]/.test(password);
}
