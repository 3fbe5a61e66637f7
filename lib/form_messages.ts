// The messages the forms show as you type. Part of lib/messages.ts, kept in a file of their own so the
// islands that import them ship these strings and not every message the server has.
export const formMessages = {
  missingFields: "缺少必传参数",
  invalidMobile: "请输入正确的手机号码",
  invalidPassword: "请输入8-20位的密码",
  smsCodeFormat: "请输入6位数字短信验证码",
  smsCodeSent: "短信验证码已发送",
  smsSendFailed: "短信发送失败，请稍后再试",
  networkError: "网络错误，请稍后再试",
} as const;
