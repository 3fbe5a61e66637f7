// QQ Connect's failures as one error type, with the words a shop customer reads for each.
import { ProviderError } from "@/lib/social/provider.ts";

/** A QQ error code (100019, 1002, …) or what went wrong on the way to QQ. */
export type QqErrorCode =
  | number
  | "timeout"
  | "network"
  | "bad_status"
  | "bad_response"
  | "client_mismatch"
  | string;

/** Every failure of the QQ client; the message never holds a secret, a token or a code. */
export class QqError extends ProviderError {
  override name = "QqError";

  constructor(override readonly code: QqErrorCode) {
    super(code, qqErrorMessage(code));
  }
}

// QQ's public return codes: the OAuth ones (100000–100031), the login ones (110xxx)
// and the OpenAPI `ret` values get_user_info answers with.
const qqCodes: Record<number, string> = {
  [-1]: "请求参数无效",
  1002: "QQ登录状态已失效，请重新登录QQ",
  100000: "缺少参数response_type或response_type非法",
  100001: "缺少参数client_id",
  100002: "缺少参数client_secret",
  100003: "HTTP头中缺少Authorization",
  100004: "缺少参数grant_type或grant_type非法",
  100005: "缺少参数code",
  100006: "缺少refresh token",
  100007: "缺少access token",
  100008: "该appid不存在",
  100009: "client_secret（即appkey）非法",
  100010: "回调地址不合法",
  100011: "QQ登录应用不处于上线状态",
  100012: "HTTP请求不是POST方式",
  100013: "access token非法",
  100014: "access token已过期，请重新登录QQ",
  100015: "access token已被废除，请重新登录QQ",
  100016: "access token验证失败",
  100017: "获取appid失败",
  100018: "获取code失败",
  100019: "用code换取access token失败，请重新登录QQ",
  100020: "code已被使用过，请重新登录QQ",
  100021: "获取access token失败",
  100022: "获取refresh token失败",
  100023: "获取应用的权限列表失败",
  100024: "获取用户对本应用的授权列表失败",
  100025: "获取全量API信息失败",
  100026: "设置用户对本应用的授权API列表失败",
  100027: "设置用户对本应用的授权时间失败",
  100028: "缺少参数which",
  100029: "错误的HTTP请求",
  100030: "用户没有授权该接口，请重新登录QQ并同意授权",
  100031: "本应用没有该接口的调用权限",
  110401: "请求的QQ登录应用不存在",
  110404: "请求参数缺少appid",
  110405: "QQ登录请求被禁止",
  110406: "QQ登录应用没有通过审核",
  110500: "获取用户授权信息失败",
  110501: "获取用户授权信息失败",
  110502: "设置用户授权失败",
  110503: "获取token失败",
  110504: "QQ系统内部错误，请稍后再试",
};

const transportMessages: Record<string, string> = {
  timeout: "QQ服务器响应超时，请稍后再试",
  network: "无法连接QQ服务器，请稍后再试",
  bad_status: "QQ服务器暂时不可用，请稍后再试",
  bad_response: "QQ服务器的应答无法识别，请稍后再试",
  client_mismatch: "QQ返回的应用ID与本站不符，请重新登录QQ",
};

/** The Chinese message for `code`, ending with QQ's number so support can look it up. */
export function qqErrorMessage(code: QqErrorCode): string {
  if (typeof code === "number") {
    return `${qqCodes[code] ?? "QQ接口返回错误"}（错误码${code}）`;
  }
  return Object.hasOwn(transportMessages, code)
    ? transportMessages[code]
    : `QQ接口返回错误（${code}）`;
}
