// QQ Connect as a login provider: its settings, and code → identity through the client.
import { defineProvider, type Identity } from "@/lib/social/provider.ts";
import {
  authorizeUrl,
  exchangeCode,
  fetchOpenid,
  fetchUserInfo,
  type QqSettings,
} from "./client.ts";

/** Where the development stand-in is served, and the app credentials it accepts (simulator.ts). */
export const QQ_SIMULATOR = {
  path: "/dev/qq",
  clientId: "101000001",
  clientSecret: "qq-simulator-development-app-key",
};

export const qq = defineProvider<QqSettings>({
  id: "qq",
  name: "QQ",
  // Where 0.1 registered it with QQ, so existing QQ apps keep working.
  callbackPath: "/oauth_callback",
  env: {
    clientId: "QQ_CLIENT_ID",
    clientSecret: "QQ_CLIENT_SECRET",
    redirectUri: "QQ_REDIRECT_URI",
    bases: { api: { env: "QQ_API_BASE", default: "https://graph.qq.com" } },
  },
  requiredInProduction: true,
  simulator: QQ_SIMULATOR,
  settings: ({ bases, ...settings }) => ({ ...settings, apiBase: bases.api }),
  authorizeUrl,
  identify,
});

/** The settings `app` talks to QQ (or, in development, its simulator) with. */
export const qqSettingsFor = qq.settingsFor;

async function identify(settings: QqSettings, code: string): Promise<Identity> {
  const accessToken = await exchangeCode(settings, code);
  const { openid, unionid } = await fetchOpenid(settings, accessToken);
  // The nickname only decorates the bind form; QQ failing to give it is no reason to stop.
  const user = await fetchUserInfo(settings, accessToken, openid).catch(() =>
    null
  );
  return {
    provider: qq.id,
    uid: openid,
    ...(unionid ? { unionid } : {}),
    nickname: user?.nickname ?? null,
    avatar: user?.avatarUrl ?? null,
  };
}
