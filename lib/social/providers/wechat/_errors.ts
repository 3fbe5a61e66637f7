// WeChat's failures as one error type, with the words a shop customer reads for each.
import {
  providerErrorClass,
  type TransportFailure,
} from "@/lib/social/provider.ts";

/** A WeChat errcode (40029, 40163, …) or what went wrong on the way to WeChat. */
export type WechatErrorCode =
  | number
  | Exclude<TransportFailure, "client_mismatch">;

// The errcodes of the website-login (网站应用) endpoints, as WeChat documents them.
const wechatCodes: Record<number, string> = {
  [-1]: "微信系统繁忙，请稍后再试",
  40001: "微信凭证无效，请重新扫码登录",
  40003: "微信用户标识无效，请重新扫码登录",
  40013: "微信登录应用的AppID无效",
  40029: "微信授权码无效，请重新扫码登录",
  40030: "微信刷新凭证无效，请重新扫码登录",
  40125: "微信登录应用的AppSecret无效",
  40163: "微信授权码已被使用过，请重新扫码登录",
  41001: "缺少微信访问凭证",
  41002: "缺少AppID参数",
  41004: "缺少AppSecret参数",
  41008: "缺少微信授权码",
  42001: "微信访问凭证已过期，请重新扫码登录",
  42003: "微信授权码已过期，请重新扫码登录",
  45011: "微信接口调用过于频繁，请稍后再试",
  48001: "微信登录应用没有该接口的权限",
};

/** Every failure of the WeChat client; the message never holds a secret, a token or a code. */
export class WechatError extends providerErrorClass<WechatErrorCode>(
  "WechatError",
  "微信",
  wechatCodes,
) {}
