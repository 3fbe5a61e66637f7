// The app's services, made once per process from the config and handed to routes via ctx.state.
import { type Config, ConfigError, parseConfig } from "./config.ts";
import {
  createPasswordHasher,
  type PasswordHasher,
} from "@/lib/accounts/passwords.ts";
import { createSmsSender, type SmsSender } from "@/lib/sms/gateway.ts";

export interface App {
  config: Config;
  kv: Deno.Kv;
  /** The clock, in milliseconds since the epoch; tests pass their own. */
  now: () => number;
  passwords: PasswordHasher;
  sms: SmsSender;
  /** Outbound HTTP (QQ Connect, the SMS gateways); tests route it to the app itself. */
  fetch: typeof fetch;
}

/** Builds the services for `config`; `overrides` replace any of them (tests, benchmarks). */
export async function createApp(
  config: Config,
  overrides: Partial<Omit<App, "config">> = {},
): Promise<App> {
  const kv = overrides.kv ?? await Deno.openKv(config.kvPath);
  const fetchFn = overrides.fetch ?? fetch;
  const now = overrides.now ?? Date.now;
  return {
    config,
    kv,
    now,
    passwords: overrides.passwords ?? createPasswordHasher(config.bcryptCost),
    sms: overrides.sms ?? createSmsSender(config.sms, { fetch: fetchFn, now }),
    fetch: fetchFn,
  };
}

let current: Promise<App> | undefined;

/** The process's app, made from the environment on first use. */
export function currentApp(): Promise<App> {
  return current ??= createApp(configFromEnv());
}

/** Installs `app` as the process's app (tests, benchmarks). */
export function useApp(app: App): void {
  current = Promise.resolve(app);
}

let fromEnv: Config | undefined;

/** Reads the environment once; a bad value ends the process with one line naming the variable. */
export function configFromEnv(): Config {
  if (fromEnv) return fromEnv;
  fromEnv = checkedConfig(Deno.env.toObject());
  if (fromEnv.secretKeyGenerated && !fromEnv.production) {
    console.warn(
      "SECRET_KEY is not set: using a random key, so bind tokens and sessions end with this process",
    );
  }
  return fromEnv;
}

/** `parseConfig(env)`; a bad value ends the process with one line naming the variable. */
export function checkedConfig(env: Record<string, string | undefined>): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    Deno.exit(1);
  }
}
