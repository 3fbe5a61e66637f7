// Every login provider the shop knows. Adding one is a folder (lib/social/providers/<id>/provider.ts and its client,
// beside a simulator if it has one) and one line here; the config, routes and pages follow from it.
import type { Config } from "@/lib/app/config.ts";
import { qq } from "@/lib/social/providers/qq/provider.ts";
import { wechat } from "@/lib/social/providers/wechat/provider.ts";
import { weibo } from "@/lib/social/providers/weibo/provider.ts";
import type { Provider } from "./provider.ts";

export const PROVIDERS: readonly Provider[] = [
  qq,
  wechat,
  weibo,
];

/** The provider with `id` when `config` offers it, else null (unknown, or not configured in production). */
export function enabledProvider(
  config: Config,
  id: string | undefined,
): Provider | null {
  const provider = PROVIDERS.find((provider) => provider.id === id);
  return provider && config.providers[provider.id]?.enabled ? provider : null;
}

/** The providers `config` offers, in the registry's order. */
export function enabledProviders(config: Config): Provider[] {
  return PROVIDERS.filter((provider) => config.providers[provider.id]?.enabled);
}
