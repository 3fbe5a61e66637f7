// A login provider (QQ, WeChat, Weibo) is data plus two functions behind this interface, beside the one
// provider-neutral flow of this folder. Each lives in lib/social/providers/<id>/ and is listed once in registry.ts.
import type { Config } from "@/lib/app/config.ts";
import { callOutside, type OutboundCall } from "@/lib/core/outbound.ts";

/** What a provider's settings are made from: the config, the outbound fetch, the site's origin. */
export interface ProviderContext {
  config: Pick<Config, "providers">;
  fetch: typeof fetch;
  /** The site's origin (PUBLIC_ORIGIN, else where the server listens), never a request's Host. */
  origin: () => string;
}

/** Who signed in at the provider, as the bind and the bindings know them. */
export interface Identity {
  provider: string;
  /** What the binding is keyed by: QQ's openid, WeChat's `unionid:…` (else `openid:…`), Weibo's uid. */
  uid: string;
  /** The user's id across the provider's apps, when it gives one (QQ, WeChat). */
  unionid?: string;
  nickname: string | null;
  /** An http(s) URL of the user's picture, when the provider has one. */
  avatar: string | null;
}

/** One provider's settings as this app uses them: credentials, endpoint bases, our callback. */
export interface ProviderSettings {
  clientId: string;
  clientSecret: string;
  /** Our callback, as registered with the provider. */
  redirectUri: string;
  /** The provider's endpoint bases by name (QQ: api; WeChat: open, api), without a trailing slash. */
  bases: Record<string, string>;
  fetch: typeof fetch;
  /** Per request, answer included; default 5000. */
  timeoutMs?: number;
}

/** What the flow asks of a provider: where to send the browser, and who came back. */
export interface ProviderClient {
  authorizeUrl(state: string): string;
  /** Trades the callback's code for the identity that signed in; throws ProviderError. */
  identify(code: string): Promise<Identity>;
}

export interface Provider {
  /** In URLs, keys and claims: qq, wechat, weibo. */
  id: string;
  /** As the shop says it: QQ, 微信, 微博 (the messages are made from it). */
  name: string;
  /** The path of our callback; its redirect URI is this on the public origin unless configured. */
  callbackPath: string;
  /** The environment variables of its settings (the README's configuration table). */
  env: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    /** Endpoint bases by name: the variable, and the provider's own address. */
    bases: Record<string, { env: string; default: string }>;
  };
  /** Production refuses to start without its credentials (QQ); the others are offered only when set. */
  requiredInProduction: boolean;
  /**
   * The development stand-in, if the provider has one: where the app serves it, and the app credentials
   * it accepts. Without one, the provider is offered in development only once its credentials are set.
   */
  simulator?: { path: string; clientId: string; clientSecret: string };
  client(settings: ProviderSettings): ProviderClient;
}

/** A provider's refusal or trouble on the way to it; the message is fit to show and holds no secret. */
export class ProviderError extends Error {
  override name = "ProviderError";

  constructor(readonly code: string | number, message: string) {
    super(message);
  }
}

/**
 * The settings `provider` runs with in `app`: the configured ones, or in development without credentials
 * the simulator's. Absolute URLs start at the app's configured origin, never at a request's Host.
 */
export function providerSettings(
  app: ProviderContext,
  provider: Provider,
): ProviderSettings {
  const config = app.config.providers[provider.id];
  const simulator = config?.simulator ? provider.simulator : undefined;
  const clientId = simulator ? simulator.clientId : config?.clientId;
  const clientSecret = simulator
    ? simulator.clientSecret
    : config?.clientSecret;
  if (!clientId || !clientSecret) {
    // Only a provider that is not enabled gets here: routes offer enabled ones only.
    throw new Error(`${provider.env.clientId} is not set`);
  }
  const origin = app.origin();
  const bases: Record<string, string> = {};
  for (const [name, base] of Object.entries(provider.env.bases)) {
    const configured = config?.bases[name];
    bases[name] = (configured ??
      (simulator ? `${origin}${simulator.path}` : base.default))
      .replace(/\/+$/, "");
  }
  return {
    clientId,
    clientSecret,
    redirectUri: config?.redirectUri ?? `${origin}${provider.callbackPath}`,
    bases,
    fetch: app.fetch,
  };
}

/** A provider's data, its client's own settings (made from the app's), and the client's two calls. */
export interface ProviderDefinition<Settings> extends Omit<Provider, "client"> {
  /** The client's settings from the app's: its own names for the credentials and the bases. */
  settings(settings: ProviderSettings): Settings;
  authorizeUrl(settings: Settings, state: string): string;
  /** Trades the callback's code for the identity that signed in; throws ProviderError. */
  identify(settings: Settings, code: string): Promise<Identity>;
}

/** The provider `definition` describes, with the settings its client runs with in an app. */
export function defineProvider<Settings>(
  definition: ProviderDefinition<Settings>,
): Provider & {
  settingsFor(app: ProviderContext): Settings;
} {
  const { settings, authorizeUrl, identify, ...data } = definition;
  const provider = {
    ...data,
    client(appSettings: ProviderSettings): ProviderClient {
      const own = settings(appSettings);
      return {
        authorizeUrl: (state) => authorizeUrl(own, state),
        identify: (code) => identify(own, code),
      };
    },
    settingsFor: (app: ProviderContext) =>
      settings(providerSettings(app, provider)),
  };
  return provider;
}

/** One call to a provider's API (lib/core/outbound.ts); `fail` names the provider's error for a failure. */
export async function callProvider(
  call: OutboundCall,
  fail: (kind: "timeout" | "network") => ProviderError,
): Promise<{ status: number; text: string }> {
  const answer = await callOutside(call);
  if (!answer.ok) {
    throw fail(answer.error === "timeout" ? "timeout" : "network");
  }
  return answer;
}
