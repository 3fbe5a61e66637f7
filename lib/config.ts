// Reads and validates the environment once at start-up (see the README's configuration table).
import * as z from "zod/mini";
import { isGuessable } from "./_guessable.ts";

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
  qq: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** Unset: `<origin>/oauth_callback` of the request. */
    redirectUri: string | undefined;
    /** Unset: the built-in simulator when it is on, else https://graph.qq.com. */
    apiBase: string | undefined;
  };
  /** The QQ simulator under /dev/qq: only outside production and without QQ credentials. */
  simulator: boolean;
  sms: { provider: "console" | "webhook"; webhookUrl: string | undefined };
  /** When an image code is asked before an SMS: `auto` when abuse is likely, `always`, or `off` (tests). */
  smsCaptcha: "auto" | "always" | "off";
  bcryptCost: number;
  trustProxy: boolean;
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
  APP_ENV: z.optional(
    z.enum(
      ["development", "production", "test"],
      "must be development, production or test",
    ),
  ),
  SECRET_KEY: optional(
    z.string().check(z.minLength(32, "must be at least 32 characters")),
  ),
  PUBLIC_ORIGIN: optional(origin),
  DENO_KV_PATH: optional(z.string().check(z.minLength(1, "must not be empty"))),
  QQ_CLIENT_ID: optional(
    z.string().check(z.regex(/^\w{1,64}$/, "must be QQ's numeric app id")),
  ),
  QQ_CLIENT_SECRET: optional(
    z.string().check(z.minLength(1, "must not be empty")),
  ),
  QQ_REDIRECT_URI: optional(url),
  QQ_API_BASE: optional(url),
  SMS_PROVIDER: z.optional(
    z.enum(["console", "webhook"], "must be console or webhook"),
  ),
  SMS_WEBHOOK_URL: optional(url),
  SMS_CAPTCHA: z.optional(
    z.enum(["auto", "always", "off"], "must be auto, always or off"),
  ),
  BCRYPT_COST: optional(integer(4, 15)),
  TRUST_PROXY: z.optional(
    z.enum(["true", "false", "1", "0"], "must be true or false"),
  ),
};

type Env = Record<string, string | undefined>;

/** Validates `env`; throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Env): Config {
  const value = (name: keyof typeof schema): string | undefined => {
    const raw = env[name] === "" ? undefined : env[name];
    const result = schema[name].safeParse(raw);
    if (!result.success) {
      throw new ConfigError(`${name} ${result.error.issues[0].message}`);
    }
    return result.data as string | undefined;
  };
  const production = value("APP_ENV") === "production";
  if (production) refuseUnsafeProduction(value);
  const clientId = value("QQ_CLIENT_ID");
  const clientSecret = value("QQ_CLIENT_SECRET");
  if (Boolean(clientId) !== Boolean(clientSecret)) {
    throw new ConfigError(
      `${
        clientId ? "QQ_CLIENT_SECRET" : "QQ_CLIENT_ID"
      } must be set together with the other`,
    );
  }
  const provider =
    value("SMS_PROVIDER") as Config["sms"]["provider"] | undefined ?? "console";
  const webhookUrl = value("SMS_WEBHOOK_URL");
  if (provider === "webhook" && !webhookUrl) {
    throw new ConfigError(
      "SMS_WEBHOOK_URL is required when SMS_PROVIDER=webhook",
    );
  }
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
    qq: {
      clientId,
      clientSecret,
      redirectUri: value("QQ_REDIRECT_URI"),
      apiBase: value("QQ_API_BASE"),
    },
    simulator: !production && !clientId,
    sms: { provider, webhookUrl },
    smsCaptcha: value("SMS_CAPTCHA") as Config["smsCaptcha"] | undefined ??
      "auto",
    bcryptCost: Number(value("BCRYPT_COST") ?? 10),
    trustProxy: ["true", "1"].includes(value("TRUST_PROXY") ?? "false"),
  };
}

/**
 * What production must have: its secrets, the public origin (absolute URLs never come from the Host
 * header), a key nobody can guess, an SMS provider that does not print codes on the log, and captchas.
 */
function refuseUnsafeProduction(
  value: (name: keyof typeof schema) => string | undefined,
): void {
  const required = [
    "SECRET_KEY",
    "PUBLIC_ORIGIN",
    "QQ_CLIENT_ID",
    "QQ_CLIENT_SECRET",
  ] as const;
  for (const name of required) {
    if (!value(name)) {
      throw new ConfigError(`${name} is required when APP_ENV=production`);
    }
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
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}
