// Weibo as a login provider: a binding is keyed by the Weibo uid.
import type { App } from "@/lib/app.ts";
import {
  type Identity,
  type Provider,
  type ProviderSettings,
  providerSettings,
} from "@/lib/social/provider.ts";
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

export const weibo: Provider = {
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
  client(settings) {
    const weiboSettings = toWeiboSettings(settings);
    return {
      authorizeUrl: (state) => authorizeUrl(weiboSettings, state),
      identify: (code) => identify(weiboSettings, code),
    };
  },
};

/** The settings `app` talks to Weibo (or, in development, its simulator) with. */
export function weiboSettingsFor(
  app: Pick<App, "config" | "fetch" | "origin">,
): WeiboSettings {
  return toWeiboSettings(providerSettings(app, weibo));
}

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

function toWeiboSettings(settings: ProviderSettings): WeiboSettings {
  return {
    apiBase: settings.bases.api,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri: settings.redirectUri,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
  };
}
