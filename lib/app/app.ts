// The app's services, made once per process from the config and handed to routes via ctx.state.
import { type Config, ConfigError, parseConfig } from "./config.ts";
import {
  createPasswordHasher,
  type PasswordHasher,
} from "@/lib/accounts/passwords.ts";
import { createSmsSender, type SmsSender } from "@/lib/sms/delivery.ts";
import { openSharedKv } from "../kv/shared_kv.ts";
import { type Background, createBackground } from "@/lib/core/background.ts";
import { givePseudonymKey } from "../kv/pseudonyms.ts";
import { ALONE, sharedHashingBudget } from "@/lib/accounts/hashing_budget.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import {
  migrateLegacyQqBindings,
  separateWechatUidSpaces,
} from "@/lib/social/migrations.ts";
import {
  type LegalTexts,
  LegalTextsError,
  readLegalTexts,
} from "@/lib/legal/texts.ts";

export interface App {
  config: Config;
  kv: Deno.Kv;
  /** The clock, in milliseconds since the epoch; tests pass their own. */
  now: () => number;
  passwords: PasswordHasher;
  sms: SmsSender;
  /** Outbound HTTP (QQ Connect, the SMS gateways); tests route it to the app itself. */
  fetch: typeof fetch;
  /**
   * The site's origin, which every absolute URL the app makes (redirect URIs, the simulators' bases)
   * starts with: PUBLIC_ORIGIN, else the address the server listens on. Never a request's Host header.
   */
  origin: () => string;
  /** What goes on after an answer (an SMS to a gateway): the server waits for it before it stops. */
  background: Background;
  /** The 用户协议 and 隐私政策 shown and agreed to, read at start. */
  legal: LegalTexts;
}

/** Builds the services for `config`; `overrides` replace any of them (tests, benchmarks). */
export async function createApp(
  config: Config,
  overrides: Partial<Omit<App, "config">> = {},
): Promise<App> {
  const kv = overrides.kv ?? await openSharedKv(config.kvPath);
  const fetchFn = overrides.fetch ?? fetch;
  const now = overrides.now ?? Date.now;
  givePseudonymKey(kv, config.secretKey);
  // Data written by an older version is brought to today's layout before anything reads it.
  await migrateLegacyQqBindings(kv);
  await separateWechatUidSpaces(kv, now());
  return {
    config,
    kv,
    now,
    passwords: overrides.passwords ??
      createPasswordHasher(config.bcryptCost, navigator.hardwareConcurrency, {
        budget: isolates > 1 ? sharedHashingBudget() : ALONE,
      }),
    sms: overrides.sms ?? createSmsSender(config.sms, { fetch: fetchFn, now }),
    fetch: fetchFn,
    origin: overrides.origin ??
      (() => config.publicOrigin ?? listening ?? defaultOrigin(config)),
    background: overrides.background ?? createBackground(),
    legal: overrides.legal ?? readLegalTexts(config.legalDir),
  };
}

let listening: string | undefined;

/** Tells the app where the server listens (fresh.config.ts's onListen), for `origin` without PUBLIC_ORIGIN. */
export function listeningOn(address: Deno.NetAddr): string {
  listening = originOf(address.hostname, address.port);
  return listening;
}

function defaultOrigin(config: Config): string {
  return originOf(config.hostname, config.port);
}

function originOf(hostname: string, port: number): string {
  // Listening on every interface: the browser on this machine reaches it as localhost.
  const host = hostname === "0.0.0.0" || hostname === "::"
    ? "localhost"
    : hostname.includes(":")
    ? `[${hostname}]`
    : hostname;
  return `http://${host}:${port}`;
}

let current: Promise<App> | undefined;
/** How many isolates of this process serve requests: `deno serve --parallel` runs one per core. */
let isolates = 1;

/**
 * Declares that `count` isolates of this process serve the app, each with its own copy of every module.
 * They share the cores, so their hashers share one budget of bcrypt threads; and they must agree on what a request
 * may meet in any of them, so the bind token key and the KV must be set, not made per isolate.
 */
export function serveFromIsolates(count: number): void {
  isolates = Math.max(1, count);
  const problem = isolatesProblem(configFromEnv());
  if (problem) {
    console.error(`Configuration error: ${problem}`);
    Deno.exit(1);
  }
  // `deno serve` stops on these by finishing the requests in flight; the bcrypt workers would then
  // keep the isolate, and so the process, alive for ever.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, stopHashingWhenIdle);
  }
}

/** Why `config` cannot be served from several isolates, or null when it can. */
export function isolatesProblem(config: Config): string | null {
  return config.secretKeyGenerated
    ? "SECRET_KEY must be set when several isolates serve: each would make a key of its own"
    : config.kvPath === ":memory:"
    ? "DENO_KV_PATH=:memory: gives each isolate a KV of its own: use a file"
    : null;
}

/** Lets the isolate end once its hashing threads have finished what they were given. */
export function stopHashingWhenIdle(): void {
  current?.then((app) => app.passwords.closeWhenIdle());
}

/** Waits for what the process's app still has to do after its answers (SMS being sent). */
export async function backgroundWorkDone(): Promise<void> {
  const app = await current?.catch(() => undefined);
  await app?.background.settled();
}

/** The process's app, made from the environment on first use. */
export function currentApp(): Promise<App> {
  // A start that failed (the KV file unavailable a moment) is tried again by the next request,
  // rather than failing every request the isolate will ever serve.
  return current ??= createApp(configFromEnv()).catch((error) => {
    current = undefined;
    throw error;
  });
}

/** Installs `app` as the process's app (tests, benchmarks). */
export function installApp(app: App): void {
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

/**
 * The shop's config from `env`: parseConfig with every login provider of the registry, and the legal
 * texts LEGAL_DIR names read once, so that a missing one stops the start with its line.
 */
export function readConfig(env: Record<string, string | undefined>): Config {
  const config = parseConfig(env, PROVIDERS);
  try {
    readLegalTexts(config.legalDir);
  } catch (error) {
    if (error instanceof LegalTextsError) throw new ConfigError(error.message);
    throw error;
  }
  return config;
}

/** `readConfig(env)`; a bad value ends the process with one line naming the variable. */
export function checkedConfig(env: Record<string, string | undefined>): Config {
  try {
    return readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    Deno.exit(1);
  }
}
