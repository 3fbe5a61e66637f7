// Weibo's failures as one error type, with the words a shop customer reads for each.
import {
  providerErrorClass,
  type TransportFailure,
} from "@/lib/social/provider.ts";

/** A Weibo error_code (21325, 21332, …) or what went wrong on the way to Weibo. */
export type WeiboErrorCode = number | TransportFailure;

// The OAuth 2.0 error codes Weibo documents (21xxx) and the common ones (10xxx).
const weiboCodes: Record<number, string> = {
  10001: "微博系统错误，请稍后再试",
  10006: "缺少微博应用的App Key",
  10022: "微博接口调用过于频繁，请稍后再试",
  10023: "微博用户接口调用过于频繁，请稍后再试",
  21301: "微博认证失败，请重新登录微博",
  21314: "微博授权已被使用过，请重新登录微博",
  21315: "微博授权已过期，请重新登录微博",
  21316: "微博授权无效，请重新登录微博",
  21317: "微博授权无效，请重新登录微博",
  21319: "微博授权已被解除，请重新登录微博",
  21322: "微博登录的回调地址不匹配",
  21323: "微博请求不合法",
  21324: "微博应用的App Key或App Secret无效",
  21325: "微博授权码无效或已过期，请重新登录微博",
  21326: "微博应用没有此权限",
  21327: "微博访问令牌已过期，请重新登录微博",
  21328: "微博不支持此授权方式",
  21329: "微博不支持此授权类型",
  21330: "您拒绝了微博授权",
  21331: "微博服务暂时无法访问，请稍后再试",
  21332: "微博访问令牌无效，请重新登录微博",
};

/** Every failure of the Weibo client; the message never holds a secret, a token or a code. */
export class WeiboError extends providerErrorClass<WeiboErrorCode>(
  "WeiboError",
  "微博",
  weiboCodes,
) {}
