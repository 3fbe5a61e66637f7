// Weibo as a login provider: a binding is keyed by the Weibo uid.
import { defineProvider, type Identity } from "@/lib/social/provider.ts";
import {
  authorizeUrl,
  checkTokenInfo,
  exchangeCode,
  fetchUser,
  WeiboError,
  type WeiboSettings,
} from "./client.ts";

/** Where the development stand-in is served, and the app credentials it accepts (simulator.ts). */
export const WEIBO_SIMULATOR = {
  path: "/dev/weibo",
  clientId: "3710000001",
  clientSecret: "weibo-simulator-development-secret",
};

export const weibo = defineProvider<WeiboSettings>({
  id: "weibo",
  name: "微博",
  callbackPath: "/oauth/weibo/callback",
  env: {
    clientId: "WEIBO_CLIENT_ID",
    clientSecret: "WEIBO_CLIENT_SECRET",
    redirectUri: "WEIBO_REDIRECT_URI",
    bases: { api: { env: "WEIBO_API_BASE", default: "https://api.weibo.com" } },
  },
  requiredInProduction: false,
  simulator: WEIBO_SIMULATOR,
  settings: ({ bases, ...settings }) => ({ ...settings, apiBase: bases.api }),
  authorizeUrl,
  identify,
});

/** The settings `app` talks to Weibo (or, in development, its simulator) with. */
export const weiboSettingsFor = weibo.settingsFor;

async function identify(
  settings: WeiboSettings,
  code: string,
): Promise<Identity> {
  const grant = await exchangeCode(settings, code);
  await checkTokenInfo(settings, grant);
  // The screen name only decorates the bind form; Weibo failing to give it is no reason to stop.
  const user = await fetchUser(settings, grant).catch((error) => {
    if (error instanceof WeiboError) return null;
    throw error;
  });
  return {
    provider: weibo.id,
    uid: grant.uid,
    nickname: user?.screenName ?? null,
    avatar: user?.profileImageUrl ?? null,
  };
}
