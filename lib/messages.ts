// Every message a user sees, in the shop's words; the contract's wording is exact.

import * as formMessages from "./forms/words.ts";

export const messages = {
  ...formMessages,
  smsCodeInvalid: "无效的短信验证码",
  smsCodeWrong: "输入短信验证码有误",
  smsTooFrequent: "发送短信过于频繁",
  smsSendFailed: "短信发送失败，请稍后再试",
  imageCodeMissing: "请输入图形验证码",
  imageCodeExpired: "图形验证码失效了",
  imageCodeWrong: "输入图形验证码有误",
  imageCodesTooFrequent: "图形验证码刷新过于频繁，请稍后再试",
  captchaMissing: "请先完成安全验证",
  captchaExpired: "安全验证已失效，请重新验证",
  captchaWrong: "安全验证未通过，请重新验证",
  captchaUnavailable: "安全验证服务暂时不可用，请稍后再试",
  bindTokenInvalid: "无效的openid",
  wrongCredentials: "用户名或密码错误",
  /** An operator disabled the account (`deno task admin disable`). */
  accountDisabled: "账号已停用",
  mobileTaken: "该手机号已注册",
  oldPasswordWrong: "原密码错误",
  passwordWrong: "密码错误",
  busy: "系统繁忙，请稍后再试",
  tooManyAttempts: "尝试次数过多，请输入图形验证码",
  tooManyAttemptsToday: "尝试次数过多，请明天再试或找回密码",
  bound: "绑定成功",
  confirmTitle: "验证密码",
  confirmWhy:
    "为了账号安全，绑定或解除第三方账号、导出个人信息、更换手机号和注销账号前，需要先验证登录密码（10分钟内有效）。",
  resetBindings:
    "密码已重置，其他设备都已退出。以下第三方账号不需要密码就能登录本账号，如有不是您本人的，请解除绑定：",
  resetNoBindings: "密码已重置，其他设备都已退出。本账号没有绑定第三方账号。",
  notYours: "不是您本人绑定的？",
  /** The SMS login's proof of the mobile is gone (600 s, single use, only in the browser that got it). */
  signupProofExpired: "手机号验证已失效，请重新获取短信验证码登录",
  crossOrigin: "拒绝跨站请求",
  bodyTooLarge: "请求内容过大",
  requestTimeout: "请求超时",
  badRequest: "请求格式错误",
} as const;

/**
 * A login provider's messages, made from its name as the shop says it (QQ, 微信, 微博): the contract's
 * `QQ登录失败`, `该QQ已绑定其他账号`, `该账号已绑定其他QQ` and their WeChat and Weibo twins.
 */
export function providerMessages(name: string) {
  return {
    loginFailed: `${name}登录失败`,
    identityBound: `该${name}已绑定其他账号`,
    accountBound: `该账号已绑定其他${name}`,
    login: `${name}登录`,
    loginAgain: `重新${name}登录`,
    /** Told on the account page after a connect. */
    connected: (nickname: string | null) =>
      `新绑定了${name}：${nickname ?? "（无昵称）"}`,
    stateInvalid: `${name}登录已失效或不是从本浏览器发起，请重新登录`,
    noCode: `${name}未返回授权码`,
    bindExpired: `${name}绑定已失效`,
    bindExpiredHelp:
      `本浏览器没有等待绑定的${name}登录：它已过期，或不是在本浏览器中发起的。请重新${name}登录。`,
    unavailable: `${name}服务暂时不可用，请稍后再试`,
    // Trouble on the way to the provider, whichever provider.
    timeout: `${name}服务器响应超时，请稍后再试`,
    network: `无法连接${name}服务器，请稍后再试`,
    badStatus: `${name}服务器暂时不可用，请稍后再试`,
    badResponse: `${name}服务器的应答无法识别，请稍后再试`,
    clientMismatch: `${name}返回的应用与本站不符，请重新${name}登录`,
    errorCode: (code: number | string, known?: string) =>
      `${known ?? `${name}接口返回错误`}（错误码${code}）`,
  };
}

/** The one-time confirmation the next page shows after a change (lib/http/flash.ts). */
export const flashMessages = {
  password_changed: "密码已修改",
  password_reset: "密码已重置",
  mobile_changed: "手机号已更换",
  logged_out: "已退出登录",
  account_deleted: "账号已注销",
} as const;

export type FlashKey = keyof typeof flashMessages;

/** What to do next, said beside the messages above (lib/forms/help.ts picks them). */
export const helpMessages = {
  smsCodeGone: "验证码5分钟内有效，输错5次即作废，请重新获取",
  smsCodeWrong: "请核对短信中的6位数字（输错5次验证码作废）",
  smsDailyCap: "今天获取验证码的次数已用完，请明天再试",
  wrongBindPassword: "该手机号已注册，请输入这个账号的登录密码",
  tooManyAttempts: "这个账号的密码错误次数过多，请稍后再试，或重设密码",
  busy: "系统繁忙，请稍后再试",
  mobileTaken: "这个手机号已有账号，可直接登录",
  signupProofExpired: "验证后10分钟内有效，且只在获取验证码的浏览器中有效",
} as const;

/** The help beside a provider's messages, in its name as the shop says it (QQ, 微信, 微博). */
export function providerHelp(name: string) {
  return {
    bindExpired:
      `${name}授权10分钟内有效，且只能使用一次，请重新${name}登录后再绑定`,
    accountBound:
      `一个账号只能绑定一个${name}：请换一个手机号；或先用这个手机号登录，在「我的账户」解除原来的${name}绑定，再用这个${name}登录`,
    identityBound:
      `这个${name}已是另一个账号的，重新${name}登录即可进入那个账号`,
    switchAccount: `换一个${name}登录`,
    pendingBind: `${name}登录，待绑定`,
  };
}

/** Told at the first page after a login when the password was tried wrongly many times since the last. */
export const failedLoginsNotice = (failures: number) =>
  `上次登录后有 ${failures} 次失败的登录尝试`;

export type MessageKey = keyof typeof messages;
