// The WeChat website login (网站应用, snsapi_login) client: the QR-code page's URL, then code → access
// token and openid (and unionid) → nickname. Errors come as {"errcode","errmsg"} with HTTP 200.
import {
  getFromProvider,
  isProviderFields,
  parseProviderJson,
  type ProviderFields as Fields,
  requiredString,
} from "@/lib/social/provider.ts";
import { WechatError } from "./_errors.ts";

export { WechatError, type WechatErrorCode } from "./_errors.ts";

export interface WechatSettings {
  /** Base of /connect/qrconnect (https://open.weixin.qq.com), without a trailing slash. */
  openBase: string;
  /** Base of /sns/… (https://api.weixin.qq.com), without a trailing slash. */
  apiBase: string;
  appId: string;
  appSecret: string;
  redirectUri: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

export interface WechatGrant {
  accessToken: string;
  openid: string;
  /** Given when the app is on an Open Platform account: the same for the user's web and app logins. */
  unionid?: string;
}

export interface WechatUser {
  openid: string;
  nickname: string;
  headimgurl?: string;
  unionid?: string;
}

/** The QR-code page the browser goes to; WeChat sends it back to redirectUri with `code` and `state`. */
export function authorizeUrl(settings: WechatSettings, state: string): string {
  const query = new URLSearchParams({
    appid: settings.appId,
    redirect_uri: settings.redirectUri,
    response_type: "code",
    scope: "snsapi_login",
    state,
  });
  return `${settings.openBase}/connect/qrconnect?${query}#wechat_redirect`;
}

/** Trades the callback's `code` for an access token, the user's openid and, when given, unionid. */
export async function exchangeCode(
  settings: WechatSettings,
  code: string,
): Promise<WechatGrant> {
  const fields = await askWechat(settings, "/sns/oauth2/access_token", {
    appid: settings.appId,
    secret: settings.appSecret,
    code,
    grant_type: "authorization_code",
  });
  const accessToken = requiredString(fields, "access_token", badAnswer);
  const openid = requiredId(fields, "openid");
  const unionid = optionalId(fields, "unionid");
  return unionid ? { accessToken, openid, unionid } : { accessToken, openid };
}

/** The user's nickname and picture, for the openid the token was issued for. */
export async function fetchUserInfo(
  settings: WechatSettings,
  grant: WechatGrant,
): Promise<WechatUser> {
  const fields = await askWechat(settings, "/sns/userinfo", {
    access_token: grant.accessToken,
    openid: grant.openid,
  });
  // An answer about someone else is no answer.
  if (requiredId(fields, "openid") !== grant.openid) {
    throw new WechatError("bad_response");
  }
  if (typeof fields.nickname !== "string") {
    throw new WechatError("bad_response");
  }
  const user: WechatUser = { openid: grant.openid, nickname: fields.nickname };
  const unionid = optionalId(fields, "unionid");
  if (unionid) user.unionid = unionid;
  if (isHttpUrl(fields.headimgurl)) user.headimgurl = fields.headimgurl;
  return user;
}

async function askWechat(
  settings: WechatSettings,
  path: string,
  params: Record<string, string>,
): Promise<Fields> {
  const fields = parseProviderJson(
    await getFromProvider(
      settings,
      `${settings.apiBase}${path}?${new URLSearchParams(params)}`,
      (kind) => new WechatError(kind),
    ),
  );
  if (!isProviderFields(fields)) throw new WechatError("bad_response");
  // WeChat answers its refusals with 200 and an errcode; 0 is success where it is sent at all.
  const { errcode } = fields;
  if (errcode !== undefined && errcode !== 0 && errcode !== "0") {
    throw new WechatError(
      typeof errcode === "number" && Number.isInteger(errcode)
        ? errcode
        : "bad_response",
    );
  }
  return fields;
}

// openids and unionids become KV keys and form values; WeChat's are 28 URL-safe characters.
function requiredId(fields: Fields, name: string): string {
  const value = requiredString(fields, name, badAnswer);
  if (!/^[\w-]{1,128}$/.test(value)) throw new WechatError("bad_response");
  return value;
}

function optionalId(fields: Fields, name: string): string | undefined {
  return fields[name] === undefined || fields[name] === ""
    ? undefined
    : requiredId(fields, name);
}

const badAnswer = () => new WechatError("bad_response");

function isHttpUrl(value: unknown): value is string {
  return typeof value === "string" && /^https?:\/\/\S+$/.test(value);
}
