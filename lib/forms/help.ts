// What to do next, said beside the contract's messages (which stay exactly as they are). The server
// picks the words from a failure and the forms show them, so the islands ship none of these strings.
import * as formMessages from "@/lib/forms/words.ts";
import {
  helpMessages as help,
  messages,
  providerHelp,
  providerMessages,
} from "@/lib/messages.ts";
import { hasForbiddenCharacters } from "@/lib/forms/rules.ts";
import type { SendResult } from "@/lib/sms/sending.ts";

/** Words beside a message, with at most one link. */
export interface Help {
  text: string;
  link?: { href: string; label: string };
}

/** A refused form: where the message goes, what it says, and (for a provider) the contract's reason. */
export interface Failure {
  field: string;
  message: string;
  reason?: string;
  /** Each field left empty, with what it says under it (the form's own message says 缺少必传参数). */
  fieldErrors?: Partial<Record<string, string>>;
}

/** What a form that came back shows: the messages by field, and the help beside them. */
export interface FailureView {
  errors: Partial<Record<string, string>>;
  help: Partial<Record<string, Help>>;
  /** The contract's reason beside QQ登录失败 (微信登录失败, 微博登录失败). */
  reason?: string;
}

export const FORGOT_PASSWORD = { href: "/password/reset", label: "忘记密码" };

/** The login provider a bind is for, as lib/social/provider.ts describes it. */
export interface ProviderName {
  id: string;
  name: string;
}

/** The way back to the provider when the bind can't go on: a new login, landing on the same `next`. */
export function loginAgainLink(provider: ProviderName, next: string) {
  return {
    href: `/oauth/${provider.id}/login?next=${encodeURIComponent(next)}`,
    label: providerMessages(provider.name).loginAgain,
  };
}

/** A bind refused by lib/social/bind.ts, as the bind form shows it. */
export function bindFailureView(
  failure: Failure,
  fields: Partial<Record<string, string>>,
  { provider, next }: { provider: ProviderName; next: string },
): FailureView {
  const { field, message, reason } = failure;
  // A wrong password belongs under the password the user typed, not under a 用户名 never asked for.
  const shownAt = field === "account" ? "password" : field;
  const view: FailureView = {
    errors: { ...failure.fieldErrors, [shownAt]: message },
    help: {},
  };
  const advice = field === "access_token" || field === "provider"
    ? providerAdvice(failure, provider, next)
    : adviceFor(failure, fields);
  if (advice) view.help[shownAt] = advice;
  if (field === "provider" && reason !== "busy") view.reason = reason;
  return view;
}

function providerAdvice(
  { field, reason }: Failure,
  provider: ProviderName,
  next: string,
): Help {
  const said = providerMessages(provider.name);
  const helps = providerHelp(provider.name);
  if (field === "access_token") {
    return { text: helps.bindExpired, link: loginAgainLink(provider, next) };
  }
  if (reason === said.accountBound) {
    return { text: helps.accountBound, link: loginLink("/account") };
  }
  if (reason === said.identityBound) {
    return { text: helps.identityBound, link: loginAgainLink(provider, next) };
  }
  return { text: help.busy };
}

/** A registration refused by lib/accounts/registration.ts, as the register form shows it. */
export function registerFailureView(
  failure: Failure,
  fields: Partial<Record<string, string>>,
  next: string,
): FailureView {
  const view: FailureView = {
    errors: { ...failure.fieldErrors, [failure.field]: failure.message },
    help: {},
  };
  const advice = failure.message === messages.mobileTaken
    ? { text: help.mobileTaken, link: loginLink(next) }
    : adviceFor(failure, fields);
  if (advice) view.help[failure.field] = advice;
  return view;
}

/** What a form shows after its 获取短信验证码 button was posted (the form without JavaScript). */
export interface SmsSentView {
  errors: Partial<Record<string, string>>;
  notice?: string;
  help?: Partial<Record<string, Help>>;
  /** Set when the next SMS needs an image code: the uuid drawn for it. */
  imageCodeUuid?: string;
  /** The ask was refused for its image code (missing, expired or wrong): the form opens on that field. */
  imageCodeAsked?: boolean;
}

/** lib/sms/sending.ts's answer to a form's 获取短信验证码, as the form shows it, and the page's status. */
export function smsSentView(
  sent: SendResult & { imageCodeUuid?: string },
): { view: SmsSentView; status: number } {
  const { imageCodeUuid } = sent;
  if (sent.ok) {
    return {
      view: { errors: {}, notice: messages.smsCodeSent, imageCodeUuid },
      status: 200,
    };
  }
  const refusalHelp = smsRefusalHelp(sent);
  // Refused for its image code: the message stands under the image code, the field to fix.
  const at = sent.captcha ? "image_code" : "sms_code";
  return {
    view: {
      errors: { [at]: sent.error },
      help: refusalHelp ? { [at]: refusalHelp } : {},
      imageCodeUuid,
      imageCodeAsked: sent.captcha,
    },
    status: sent.status,
  };
}

/** Beside the refusal of an SMS the form asked for: how long to wait, or that the day's cap is reached. */
function smsRefusalHelp(
  refusal: { status: number; retryAfterS?: number },
): Help | undefined {
  if (refusal.retryAfterS) {
    return { text: formMessages.waitBeforeResend(refusal.retryAfterS) };
  }
  if (refusal.status === 429) return { text: help.smsDailyCap };
}

function adviceFor(
  { field, message }: Failure,
  fields: Partial<Record<string, string>>,
): Help | undefined {
  switch (field) {
    case "password":
      return hasForbiddenCharacters(fields.password ?? "")
        ? { text: formMessages.passwordCharacters }
        : undefined;
    case "sms_code":
      return message === messages.smsCodeInvalid
        ? { text: help.smsCodeGone }
        : { text: help.smsCodeWrong };
    case "account":
      return message === messages.wrongCredentials
        ? { text: help.wrongBindPassword, link: FORGOT_PASSWORD }
        : { text: help.tooManyAttempts, link: FORGOT_PASSWORD };
  }
}

function loginLink(next: string) {
  return {
    href: `/login?next=${encodeURIComponent(next)}`,
    label: "登录",
  };
}
