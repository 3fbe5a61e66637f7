// The messages the forms show as you type. Part of lib/messages.ts, kept in a file of their own so the
// islands that import them ship these four strings and not every message the server has.
export const formMessages = {
  missingFields: "缺少必传参数",
  invalidMobile: "请输入正确的手机号码",
  invalidPassword: "请输入8-20位的密码",
  smsCodeFormat: "请输入6位数字短信验证码",
} as const;
