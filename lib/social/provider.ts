// A login provider (QQ, WeChat, Weibo) is data plus two functions behind this interface, beside the one
// provider-neutral flow of this folder. Each lives in lib/social/providers/<id>/ and is listed once in registry.ts.
import type { Config, DeclaredProvider } from "@/lib/app/config.ts";
import {
  callOutside,
  type OutboundCall,
  parseJson,
} from "@/lib/core/outbound.ts";
import { providerMessages } from "@/lib/messages.ts";

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

/** The settings a provider's client keeps as the app gives them (its endpoint bases it names its own way). */
export type ClientSettings = Omit<ProviderSettings, "bases">;

/** What the flow asks of a provider: where to send the browser, and who came back. */
export interface ProviderClient {
  authorizeUrl(state: string): string;
  /** Trades the callback's code for the identity that signed in; throws ProviderError. */
  identify(code: string): Promise<Identity>;
}

export interface Provider extends DeclaredProvider {
  /** As the shop says it: QQ, 微信, 微博 (the messages are made from it). */
  name: string;
  /** The path of our callback; its redirect URI is this on the public origin unless configured. */
  callbackPath: string;
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

/** What went wrong on the way to a provider, or in what it answered, whichever provider. */
export type TransportFailure =
  | "timeout"
  | "network"
  | "bad_status"
  | "bad_response"
  | "client_mismatch";

/**
 * What a shop customer reads for a failure of the provider `name`: the words of the provider's own error
 * code (`documented`, by code) ending with its number, or those of a failure on the way to it.
 */
export function providerFailureMessage(
  name: string,
  documented: Record<number, string>,
  code: number | TransportFailure,
): string {
  const said = providerMessages(name);
  if (typeof code === "number") return said.errorCode(code, documented[code]);
  return {
    timeout: said.timeout,
    network: said.network,
    bad_status: said.badStatus,
    bad_response: said.badResponse,
    client_mismatch: said.clientMismatch,
  }[code];
}

/**
 * The error class of one provider's client, named `errorName`: its code is one the provider documents
 * (`documented`) or a failure on the way, its message what a customer reads for it (`said` is how the
 * shop names the provider).
 */
export function providerErrorClass<Code extends number | TransportFailure>(
  errorName: string,
  said: string,
  documented: Record<number, string>,
) {
  return class extends ProviderError {
    override name = errorName;

    constructor(override readonly code: Code) {
      super(code, providerFailureMessage(said, documented, code));
    }
  };
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

/** A provider's answer as JSON fields. */
export type ProviderFields = Record<string, unknown>;

/** A provider's answer parsed as JSON, a byte-order mark before it forgiven; undefined when it is none. */
export function parseProviderJson(text: string): unknown {
  return parseJson(text.replace(/^\uFEFF/, ""));
}

/** Whether a parsed answer is a JSON object (its fields), not an array, a string or null. */
export function isProviderFields(value: unknown): value is ProviderFields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A GET of `url` from a provider, as `callProvider`; an answer with a status other than 2xx is `bad_status`. */
export async function getFromProvider(
  settings: Pick<OutboundCall, "fetch" | "timeoutMs" | "timers">,
  url: string,
  fail: (kind: "timeout" | "network" | "bad_status") => ProviderError,
): Promise<string> {
  const { fetch, timeoutMs, timers } = settings;
  const { status, text } = await callProvider(
    { url, fetch, timeoutMs, timers },
    fail,
  );
  if (status < 200 || status > 299) throw fail("bad_status");
  return text;
}

/** The field `name` of a provider's answer, a string and not empty; else the answer is `bad`. */
export function requiredString(
  fields: ProviderFields,
  name: string,
  bad: () => ProviderError,
): string {
  const value = fields[name];
  if (typeof value !== "string" || value === "") throw bad();
  return value;
}
