// Reads and validates the environment once at start-up (see the README's configuration table).
import * as z from "zod/mini";
import { isGuessable } from "./_guessable.ts";

/**
 * A login provider as the config reads it: the variables it declares (lib/social/providers/<id>/
 * provider.ts), whether production needs it, and whether it has a development simulator.
 */
export interface DeclaredProvider {
  /** In URLs, keys and claims: qq, wechat, weibo. */
  id: string;
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
  simulator?: unknown;
}

export interface Config {
  port: number;
  hostname: string;
  production: boolean;
  secretKey: string;
  /** True when SECRET_KEY was not given and a random one was made for this start. */
  secretKeyGenerated: boolean;
  kvPath: string | undefined;
  /** The site's origin as the public reaches it (`https://shop.example`); required in production. */
  publicOrigin: string | undefined;
  /** Each login provider's settings (lib/social/registry.ts), by id. */
  providers: Record<string, ProviderConfig>;
  sms: SmsConfig;
  /** When an image code is asked before an SMS: `auto` when abuse is likely, `always`, or `off` (tests). */
  smsCaptcha: "auto" | "always" | "off";
  /** Which challenge stands where an image code is asked: the app's own, or a captcha service's. */
  captcha: CaptchaConfig;
  bcryptCost: number;
  trustProxy: boolean;
  /** The folder of the shop's agreement.md and privacy.md; unset: the app's templates (refused in production). */
  legalDir: string | undefined;
}

/** Where SMS codes go, with the settings of that gateway only. */
export type SmsConfig =
  | { provider: "console" }
  | { provider: "webhook"; webhookUrl: string }
  | { provider: "aliyun"; aliyun: AliyunSmsConfig }
  | { provider: "tencent"; tencent: TencentSmsConfig };

/** Aliyun Dysmsapi (SendSms, 2017-05-25). */
export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** A template whose text has `${code}`. */
  templateCode: string;
  endpoint: string;
}

/** Tencent Cloud SMS (SendSms, 2021-01-11). */
export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  /** A template with two parameters: the code, then its life in minutes. */
  templateId: string;
  region: string;
  endpoint: string;
}

/** The challenge (CAPTCHA_PROVIDER): the app's own image code, or a service whose ticket the server verifies. */
export type CaptchaConfig =
  | { provider: "image" }
  | { provider: "tencent"; tencent: TencentCaptchaConfig }
  | { provider: "aliyun"; aliyun: AliyunCaptchaConfig };

/** 腾讯云 验证码: DescribeCaptchaResult (API 2019-07-22), TC3-signed. */
export interface TencentCaptchaConfig {
  secretId: string;
  secretKey: string;
  /** CaptchaAppId, which the page's widget is given too. */
  appId: string;
  appSecretKey: string;
  endpoint: string;
}

/** 阿里云 验证码2.0: VerifyIntelligentCaptcha (API 2023-03-05), ACS3-signed. */
export interface AliyunCaptchaConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** The scene the page's widget is given, and the server checks against. */
  sceneId: string;
  /** The instance's 身份标, which the page's widget needs. */
  prefix: string;
  endpoint: string;
}

export interface ProviderConfig {
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Unset: the provider's callback path on the public origin. */
  redirectUri: string | undefined;
  /** The endpoint bases set in the environment, by name; unset: the simulator's, else the provider's own. */
  bases: Record<string, string | undefined>;
  /** Outside production and without credentials the built-in simulator (under /dev/<id>) stands in. */
  simulator: boolean;
  /** Offered to users: with its credentials, or outside production with its simulator. */
  enabled: boolean;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const optional = (schema: z.ZodMiniType<string>) => z.optional(schema);
const url = z.string().check(
  z.refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an http(s) URL",
  ),
);
const origin = url.check(
  z.refine((value) => {
    if (!URL.canParse(value)) return true; // `url` has said so already
    const { pathname, search, hash, username, password } = new URL(value);
    return pathname === "/" && !search && !hash && !username && !password;
  }, "must be an origin, like https://shop.example, with no path"),
);
const nonEmpty = z.string().check(z.minLength(1, "must not be empty"));
// A key pasted with a space or a line break in it fails every signature; say so at start instead.
const credential = z.string().check(z.regex(/^\S+$/, "must have no spaces"));
const digits = (what: string) =>
  z.string().check(z.regex(/^\d{1,20}$/, `must be the numeric ${what}`));
const integer = (min: number, max: number) =>
  z.string().check(
    z.regex(/^\d+$/, "must be a whole number"),
    z.refine(
      (value) => Number(value) >= min && Number(value) <= max,
      `must be between ${min} and ${max}`,
    ),
  );

const schema = {
  PORT: optional(integer(0, 65535)),
  HOSTNAME: optional(z.string().check(z.minLength(1, "must not be empty"))),
  // Anything but production runs the simulators: a third name ("test", "staging") would be production
  // in the operator's mind and development in the app's.
  APP_ENV: z.optional(
    z.enum(["development", "production"], "must be development or production"),
  ),
  SECRET_KEY: optional(
    z.string().check(z.minLength(32, "must be at least 32 characters")),
  ),
  PUBLIC_ORIGIN: optional(origin),
  DENO_KV_PATH: optional(z.string().check(z.minLength(1, "must not be empty"))),
  SMS_PROVIDER: z.optional(
    z.enum(
      ["console", "webhook", "aliyun", "tencent"],
      "must be console, webhook, aliyun or tencent",
    ),
  ),
  SMS_WEBHOOK_URL: optional(url),
  SMS_CAPTCHA: z.optional(
    z.enum(["auto", "always", "off"], "must be auto, always or off"),
  ),
  ALIYUN_ACCESS_KEY_ID: optional(credential),
  ALIYUN_ACCESS_KEY_SECRET: optional(credential),
  ALIYUN_SMS_SIGN_NAME: optional(nonEmpty),
  ALIYUN_SMS_TEMPLATE_CODE: optional(
    z.string().check(
      z.regex(/^SMS_\d+$/, "must be a template code like SMS_123456789"),
    ),
  ),
  ALIYUN_SMS_ENDPOINT: optional(url),
  TENCENT_SECRET_ID: optional(credential),
  TENCENT_SECRET_KEY: optional(credential),
  TENCENT_SMS_SDK_APP_ID: optional(digits("SdkAppId, like 1400006666")),
  TENCENT_SMS_SIGN_NAME: optional(nonEmpty),
  TENCENT_SMS_TEMPLATE_ID: optional(digits("template id")),
  TENCENT_SMS_REGION: optional(
    z.string().check(
      z.regex(/^[a-z]+(-[a-z0-9]+)+$/, "must be a region like ap-guangzhou"),
    ),
  ),
  TENCENT_SMS_ENDPOINT: optional(url),
  CAPTCHA_PROVIDER: z.optional(
    z.enum(["image", "tencent", "aliyun"], "must be image, tencent or aliyun"),
  ),
  TENCENT_CAPTCHA_SECRET_ID: optional(credential),
  TENCENT_CAPTCHA_SECRET_KEY: optional(credential),
  TENCENT_CAPTCHA_APP_ID: optional(digits("CaptchaAppId, like 190000000")),
  TENCENT_CAPTCHA_APP_SECRET_KEY: optional(credential),
  TENCENT_CAPTCHA_ENDPOINT: optional(url),
  ALIYUN_CAPTCHA_ACCESS_KEY_ID: optional(credential),
  ALIYUN_CAPTCHA_ACCESS_KEY_SECRET: optional(credential),
  ALIYUN_CAPTCHA_SCENE_ID: optional(
    z.string().check(
      z.regex(/^[\w-]{1,64}$/, "must be the scene id the console shows"),
    ),
  ),
  ALIYUN_CAPTCHA_PREFIX: optional(
    z.string().check(
      z.regex(/^[a-z0-9]{1,32}$/, "must be the instance's prefix (身份标)"),
    ),
  ),
  ALIYUN_CAPTCHA_ENDPOINT: optional(url),
  BCRYPT_COST: optional(integer(4, 15)),
  TRUST_PROXY: z.optional(
    z.enum(["true", "false", "1", "0"], "must be true or false"),
  ),
  LEGAL_DIR: optional(nonEmpty),
};

type Env = Record<string, string | undefined>;

// A login provider's variables, whatever the provider (their names are in its lib/social/providers/<id>/provider.ts).
const providerSchema = {
  clientId: z.string().check(
    z.regex(/^[\w.-]{1,64}$/, "must be the app id the provider gave"),
  ),
  clientSecret: nonEmpty,
  url,
};

/** `env[name]` checked against `schema`; an empty value is an unset one. */
function check(
  env: Env,
  name: string,
  schema: z.ZodMiniType<string | undefined>,
): string | undefined {
  const raw = env[name] === "" ? undefined : env[name];
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`${name} ${result.error.issues[0].message}`);
  }
  return result.data;
}

function readProviders(
  providers: readonly DeclaredProvider[],
  env: Env,
  production: boolean,
): Record<string, ProviderConfig> {
  return Object.fromEntries(
    providers.map((provider) => [
      provider.id,
      readProviderConfig(provider, env, production),
    ]),
  );
}

/** One login provider's settings, by the variable names it declares (its lib/social/providers/<id>/provider.ts). */
export function readProviderConfig(
  { env: names, simulator }: Pick<DeclaredProvider, "env" | "simulator">,
  env: Env,
  production: boolean,
): ProviderConfig {
  const clientId = check(
    env,
    names.clientId,
    optional(providerSchema.clientId),
  );
  const clientSecret = check(
    env,
    names.clientSecret,
    optional(providerSchema.clientSecret),
  );
  if (Boolean(clientId) !== Boolean(clientSecret)) {
    throw new ConfigError(
      `${
        clientId ? names.clientSecret : names.clientId
      } must be set together with the other`,
    );
  }
  const bases: Record<string, string | undefined> = {};
  for (const [base, { env: name }] of Object.entries(names.bases)) {
    bases[base] = check(env, name, optional(providerSchema.url));
  }
  // Without credentials a provider runs on its simulator outside production, or is not offered.
  const simulated = !production && !clientId && simulator !== undefined;
  return {
    clientId,
    clientSecret,
    redirectUri: check(env, names.redirectUri, optional(providerSchema.url)),
    bases,
    simulator: simulated,
    enabled: Boolean(clientId) || simulated,
  };
}

/**
 * Validates `env`, the login providers' variables by what `providers` declare; throws a ConfigError
 * whose message is one line naming the variable.
 */
export function parseConfig(
  env: Env,
  providers: readonly DeclaredProvider[],
): Config {
  const value = (name: keyof typeof schema): string | undefined =>
    check(env, name, schema[name] as z.ZodMiniType<string | undefined>);
  const production = value("APP_ENV") === "production";
  if (production) refuseUnsafeProduction(value, env, providers);
  const sms = smsConfig(value);
  const captcha = captchaConfig(value);
  const secretKey = value("SECRET_KEY");
  const publicOrigin = value("PUBLIC_ORIGIN");
  return {
    port: Number(value("PORT") ?? 8000),
    hostname: value("HOSTNAME") ?? "0.0.0.0",
    production,
    secretKey: secretKey ?? randomSecret(),
    secretKeyGenerated: !secretKey,
    kvPath: value("DENO_KV_PATH"),
    publicOrigin: publicOrigin && new URL(publicOrigin).origin,
    providers: readProviders(providers, env, production),
    sms,
    smsCaptcha: value("SMS_CAPTCHA") as Config["smsCaptcha"] | undefined ??
      "auto",
    captcha,
    bcryptCost: Number(value("BCRYPT_COST") ?? 10),
    trustProxy: ["true", "1"].includes(value("TRUST_PROXY") ?? "false"),
    legalDir: value("LEGAL_DIR"),
  };
}

/**
 * What production must have: its secrets, the public origin (absolute URLs never come from the Host
 * header), the shop's own legal texts, a key nobody can guess, an SMS provider that does not print codes
 * on the log, and captchas.
 */
function refuseUnsafeProduction(
  value: (name: keyof typeof schema) => string | undefined,
  env: Env,
  providers: readonly DeclaredProvider[],
): void {
  // The providers production can't do without (QQ); the others are offered only once set.
  const providerSecrets = providers.filter((provider) =>
    provider.requiredInProduction
  ).flatMap(({ env }) => [env.clientId, env.clientSecret]);
  const required = ["SECRET_KEY", "PUBLIC_ORIGIN", ...providerSecrets];
  for (const name of required) {
    if (!env[name]) {
      throw new ConfigError(`${name} is required when APP_ENV=production`);
    }
  }
  if (!value("LEGAL_DIR")) {
    throw new ConfigError(
      "LEGAL_DIR is required when APP_ENV=production: the folder of the shop's own agreement.md and privacy.md (用户协议, 隐私政策)",
    );
  }
  if (isGuessable(value("SECRET_KEY")!)) {
    throw new ConfigError(
      "SECRET_KEY is guessable (a repeated character, a word or too few different characters): use 32 random bytes, e.g. `openssl rand -hex 32`",
    );
  }
  if ((value("SMS_PROVIDER") ?? "console") === "console") {
    throw new ConfigError(
      "SMS_PROVIDER=console is refused when APP_ENV=production: it prints the codes on the log",
    );
  }
  if (value("SMS_CAPTCHA") === "off") {
    throw new ConfigError(
      "SMS_CAPTCHA=off is refused when APP_ENV=production: it lets anyone send SMS to any mobile",
    );
  }
  if (value("DENO_KV_PATH") === ":memory:") {
    throw new ConfigError(
      "DENO_KV_PATH=:memory: is refused when APP_ENV=production: every account would go when the process stops",
    );
  }
  if (new URL(value("PUBLIC_ORIGIN")!).protocol !== "https:") {
    throw new ConfigError(
      "PUBLIC_ORIGIN must be an https origin when APP_ENV=production: the cookies are Secure and the codes ride in its URLs",
    );
  }
  for (const name of outboundUrlSettings(providers)) {
    const setting = Object.hasOwn(schema, name)
      ? value(name as Setting)
      : env[name];
    if (!setting || !URL.canParse(setting)) continue; // a path, or unset
    const { protocol, hostname } = new URL(setting);
    if (protocol === "http:" && !isLoopback(hostname)) {
      throw new ConfigError(
        `${name} must be an https URL when APP_ENV=production (http only to this machine: 127.0.0.0/8, ::1, localhost)`,
      );
    }
  }
}

/**
 * The settings naming a URL the app sends codes, secrets or tokens to, or sends browsers to with a
 * code: the providers' bases and callbacks, the SMS webhook and gateways, a KV Connect URL.
 */
function outboundUrlSettings(providers: readonly DeclaredProvider[]): string[] {
  const own = (Object.keys(schema) as Setting[]).filter((name) =>
    /_(URL|URI|BASE|ENDPOINT)$/.test(name)
  );
  const declared = providers.flatMap(({ env }) => [
    env.redirectUri,
    ...Object.values(env.bases).map((base) => base.env),
  ]);
  return [...own, ...declared, "DENO_KV_PATH"];
}

/** A relay on this machine: 127.0.0.0/8, ::1 or localhost, as a URL spells them once parsed. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

type Setting = keyof typeof schema;

function smsConfig(value: (name: Setting) => string | undefined): SmsConfig {
  const provider = value("SMS_PROVIDER") as SmsConfig["provider"] | undefined ??
    "console";
  // The other gateways' settings are checked too, so a typo shows up before the day they matter.
  for (const name of Object.keys(schema) as Setting[]) {
    if (/^(SMS_WEBHOOK|ALIYUN|TENCENT)_/.test(name)) value(name);
  }
  const required = (name: Setting): string => {
    const setting = value(name);
    if (!setting) {
      throw new ConfigError(
        `${name} is required when SMS_PROVIDER=${provider}`,
      );
    }
    return setting;
  };
  switch (provider) {
    case "console":
      return { provider };
    case "webhook":
      return { provider, webhookUrl: required("SMS_WEBHOOK_URL") };
    case "aliyun":
      return {
        provider,
        aliyun: {
          accessKeyId: required("ALIYUN_ACCESS_KEY_ID"),
          accessKeySecret: required("ALIYUN_ACCESS_KEY_SECRET"),
          signName: required("ALIYUN_SMS_SIGN_NAME"),
          templateCode: required("ALIYUN_SMS_TEMPLATE_CODE"),
          endpoint: value("ALIYUN_SMS_ENDPOINT") ??
            "https://dysmsapi.aliyuncs.com",
        },
      };
    case "tencent":
      return {
        provider,
        tencent: {
          secretId: required("TENCENT_SECRET_ID"),
          secretKey: required("TENCENT_SECRET_KEY"),
          sdkAppId: required("TENCENT_SMS_SDK_APP_ID"),
          signName: required("TENCENT_SMS_SIGN_NAME"),
          templateId: required("TENCENT_SMS_TEMPLATE_ID"),
          region: value("TENCENT_SMS_REGION") ?? "ap-guangzhou",
          endpoint: value("TENCENT_SMS_ENDPOINT") ??
            "https://sms.tencentcloudapi.com",
        },
      };
  }
}

function captchaConfig(
  value: (name: Setting) => string | undefined,
): CaptchaConfig {
  const provider =
    value("CAPTCHA_PROVIDER") as CaptchaConfig["provider"] | undefined ??
      "image";
  // Each service's settings are checked whichever is chosen, so a typo shows before the day it matters.
  for (const name of Object.keys(schema) as Setting[]) {
    if (/^(TENCENT|ALIYUN)_CAPTCHA_/.test(name)) value(name);
  }
  const required = (name: Setting, fallback?: Setting): string => {
    const setting = value(name) ?? (fallback && value(fallback));
    if (!setting) {
      throw new ConfigError(
        `${name}${
          fallback ? ` (or ${fallback})` : ""
        } is required when CAPTCHA_PROVIDER=${provider}`,
      );
    }
    return setting;
  };
  switch (provider) {
    case "image":
      return { provider };
    case "tencent":
      return {
        provider,
        tencent: {
          secretId: required("TENCENT_CAPTCHA_SECRET_ID", "TENCENT_SECRET_ID"),
          secretKey: required(
            "TENCENT_CAPTCHA_SECRET_KEY",
            "TENCENT_SECRET_KEY",
          ),
          appId: required("TENCENT_CAPTCHA_APP_ID"),
          appSecretKey: required("TENCENT_CAPTCHA_APP_SECRET_KEY"),
          endpoint: value("TENCENT_CAPTCHA_ENDPOINT") ??
            "https://captcha.tencentcloudapi.com",
        },
      };
    case "aliyun":
      return {
        provider,
        aliyun: {
          accessKeyId: required(
            "ALIYUN_CAPTCHA_ACCESS_KEY_ID",
            "ALIYUN_ACCESS_KEY_ID",
          ),
          accessKeySecret: required(
            "ALIYUN_CAPTCHA_ACCESS_KEY_SECRET",
            "ALIYUN_ACCESS_KEY_SECRET",
          ),
          sceneId: required("ALIYUN_CAPTCHA_SCENE_ID"),
          prefix: required("ALIYUN_CAPTCHA_PREFIX"),
          endpoint: value("ALIYUN_CAPTCHA_ENDPOINT") ??
            "https://captcha.cn-shanghai.aliyuncs.com",
        },
      };
  }
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}
