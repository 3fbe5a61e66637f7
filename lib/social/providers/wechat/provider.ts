// WeChat's website login (微信开放平台 网站应用) as a login provider. A binding is keyed by the unionid
// when WeChat gives one, so a user's web and app logins are one identity, else by the openid. The two
// are kept apart (`unionid:<x>`, `openid:<x>`): they are drawn from one alphabet, and an identity
// without a unionid whose openid happens to be someone's unionid is not that person.
import { defineProvider, type Identity } from "@/lib/social/provider.ts";
import {
  authorizeUrl,
  exchangeCode,
  fetchUserInfo,
  WechatError,
  type WechatSettings,
} from "./client.ts";

/** Where the development stand-in is served, and the app credentials it accepts (simulator.ts). */
export const WECHAT_SIMULATOR = {
  path: "/dev/wechat",
  clientId: "wx5e1d6c7b8a9f0e1d",
  clientSecret: "wechat-simulator-development-secret",
};

export const wechat = defineProvider<WechatSettings>({
  id: "wechat",
  name: "微信",
  callbackPath: "/oauth/wechat/callback",
  env: {
    clientId: "WECHAT_APP_ID",
    clientSecret: "WECHAT_APP_SECRET",
    redirectUri: "WECHAT_REDIRECT_URI",
    bases: {
      open: { env: "WECHAT_OPEN_BASE", default: "https://open.weixin.qq.com" },
      api: { env: "WECHAT_API_BASE", default: "https://api.weixin.qq.com" },
    },
  },
  requiredInProduction: false,
  simulator: WECHAT_SIMULATOR,
  // WeChat calls the credentials an appid and an appsecret.
  settings: ({ bases, clientId, clientSecret, ...settings }) => ({
    ...settings,
    openBase: bases.open,
    apiBase: bases.api,
    appId: clientId,
    appSecret: clientSecret,
  }),
  authorizeUrl,
  identify,
});

/** What a WeChat binding is keyed by: the unionid, else the openid, each in a space of its own. */
export function wechatUid(
  id: { unionid: string } | { openid: string },
): string {
  return "unionid" in id ? `unionid:${id.unionid}` : `openid:${id.openid}`;
}

/** The settings `app` talks to WeChat (or, in development, its simulator) with. */
export const wechatSettingsFor = wechat.settingsFor;

async function identify(
  settings: WechatSettings,
  code: string,
): Promise<Identity> {
  const grant = await exchangeCode(settings, code);
  // The nickname only decorates the bind form; WeChat failing to give it is no reason to stop.
  const user = await fetchUserInfo(settings, grant).catch((error) => {
    if (error instanceof WechatError) return null;
    throw error;
  });
  if (grant.unionid && user?.unionid && grant.unionid !== user.unionid) {
    throw new WechatError("bad_response");
  }
  const unionid = grant.unionid ?? user?.unionid;
  return {
    provider: wechat.id,
    uid: wechatUid(unionid ? { unionid } : { openid: grant.openid }),
    ...(unionid ? { unionid } : {}),
    nickname: user?.nickname ?? null,
    avatar: user?.headimgurl ?? null,
  };
}
