// Every message a user sees, in the shop's words; the contract's wording is exact.

import { formMessages } from "./form_messages.ts";

export const messages = {
  ...formMessages,
  smsCodeInvalid: "无效的短信验证码",
  smsCodeWrong: "输入短信验证码有误",
  smsTooFrequent: "发送短信过于频繁",
  imageCodeMissing: "请输入图形验证码",
  imageCodeExpired: "图形验证码失效了",
  imageCodeWrong: "输入图形验证码有误",
  bindTokenInvalid: "无效的openid",
  wrongCredentials: "用户名或密码错误",
  qqLoginFailed: "QQ登录失败",
  openidAlreadyBound: "该QQ已绑定其他账号",
  accountAlreadyBound: "该账号已绑定其他QQ",
  mobileTaken: "该手机号已注册",
  tooManyAttempts: "尝试次数过多，请输入图形验证码",
  oauthStateInvalid: "QQ登录已失效或不是从本浏览器发起，请重新登录",
  qqNoCode: "QQ未返回授权码",
  qqUnavailable: "QQ服务暂时不可用，请稍后再试",
  crossOrigin: "拒绝跨站请求",
  bodyTooLarge: "请求内容过大",
  requestTimeout: "请求超时",
  badRequest: "请求格式错误",
} as const;

export type MessageKey = keyof typeof messages;
