// The messages the forms show as you type. Part of lib/messages.ts, kept in a file of their own so the
// islands that import them ship these strings and not every message the server has; one export each
// (read as `formMessages.x` through `import * as`), so an island ships only those it shows.
export const missingFields = "缺少必传参数";
export const invalidMobile = "请输入正确的手机号码";
export const invalidPassword = "请输入8-20位的密码";
export const smsCodeFormat = "请输入6位数字短信验证码";
export const smsCodeSent = "短信验证码已发送";
export const networkError = "网络错误，请稍后再试";
export const getSmsCode = "获取短信验证码";
export const sendingSmsCode = "正在发送…";
export const passwordRule = "8-20位，字母、数字或符号";
/** Beside a password the rule refuses for its characters, which the rule's own words don't name. */
export const passwordCharacters =
  "只能用字母、数字或英文符号，不能有空格或汉字";
/** Under a field left empty, beside the form's 缺少必传参数. */
export const mobileMissing = "请输入手机号";
export const passwordMissing = "请输入密码";
export const smsCodeMissing = "请输入短信验证码";
export const oldPasswordMissing = "请输入原密码";
export const usernameMissing = "请输入用户名或手机号";
/** The show-password button's name (its pressed state says whether it is shown). */
export const showPassword = "显示密码";
export const reenterPassword = "为了安全，请重新输入密码";
/** The register and bind forms posted without 我已阅读并同意… ticked (the meiduo register view's words). */
export const allowRequired = "请勾选用户协议";

/** The SMS button during the 60 s gap. */
export const resendIn = (seconds: number) => `${seconds}秒后可重新获取`;
/** Beside 发送短信过于频繁, when the gap is what refused the code. */
export const waitBeforeResend = (seconds: number) => `请${seconds}秒后再获取`;

/** The captcha service's widget, where a service (CAPTCHA_PROVIDER) stands in for the image code. */
export const captchaLabel = "安全验证";
export const captchaStart = "点击完成安全验证";
export const captchaDone = "已完成安全验证";
export const captchaNeedsScript =
  "安全验证需要启用JavaScript，请启用后刷新本页";
