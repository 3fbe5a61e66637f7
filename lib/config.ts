// Reads and validates the environment once at start-up (see the README's configuration table).
import * as z from "zod/mini";

export interface Config {
  port: number;
  hostname: string;
  production: boolean;
  secretKey: string;
  /** True when SECRET_KEY was not given and a random one was made for this start. */
  secretKeyGenerated: boolean;
  kvPath: string | undefined;
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
  if (production) {
    for (
      const name of ["SECRET_KEY", "QQ_CLIENT_ID", "QQ_CLIENT_SECRET"] as const
    ) {
      if (!value(name)) {
        throw new ConfigError(`${name} is required when APP_ENV=production`);
      }
    }
  }
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
  return {
    port: Number(value("PORT") ?? 8000),
    hostname: value("HOSTNAME") ?? "0.0.0.0",
    production,
    secretKey: secretKey ?? randomSecret(),
    secretKeyGenerated: !secretKey,
    kvPath: value("DENO_KV_PATH"),
    qq: {
      clientId,
      clientSecret,
      redirectUri: value("QQ_REDIRECT_URI"),
      apiBase: value("QQ_API_BASE"),
    },
    simulator: !production && !clientId,
    sms: { provider, webhookUrl },
    bcryptCost: Number(value("BCRYPT_COST") ?? 10),
    trustProxy: ["true", "1"].includes(value("TRUST_PROXY") ?? "false"),
  };
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}
