// A test app: in-memory KV, a clock the test moves, cheap bcrypt, and an SMS outbox to read codes from.
import { type App, createApp } from "@/lib/app/app.ts";
import { readConfig } from "@/lib/app/app.ts";
import {
  drawImageCode,
  type ImageCode,
  imageCodeKey,
} from "@/lib/captcha/image_codes.ts";
import type { SmsPurpose } from "@/lib/sms/codes.ts";
import type { SmsSender } from "@/lib/sms/delivery.ts";
import {
  type SendRequest,
  type SendResult,
  sendSmsCode,
} from "@/lib/sms/sending.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { givePseudonymKey } from "@/lib/kv/pseudonyms.ts";
import { consentTo, recordConsentIn } from "@/lib/legal/consents.ts";
import { readLegalTexts } from "@/lib/legal/texts.ts";

export interface TestApp extends App {
  clock: { now: number };
  /** The last code sent to each mobile. */
  outbox: Map<string, string>;
  /** Every SMS sent, in order. */
  sent: { mobile: string; code: string; purpose: SmsPurpose }[];
  close(): void;
}

export const START = Date.UTC(2026, 10, 24, 4, 0, 0);

/** A production configuration that starts: every secret set, none guessable, no console SMS. */
export const PRODUCTION_ENV = {
  APP_ENV: "production",
  SECRET_KEY: "9f86d081884c7d659a2feaa0c55ad0153fa8b1e2c47d96e0",
  PUBLIC_ORIGIN: "https://shop.example",
  QQ_CLIENT_ID: "101234567",
  QQ_CLIENT_SECRET: "app-key",
  SMS_PROVIDER: "webhook",
  SMS_WEBHOOK_URL: "https://sms.example/send",
  // The shop's own 用户协议 and 隐私政策.
  LEGAL_DIR: new URL("./fixtures/legal", import.meta.url).pathname,
} as const;

export const TEST_SECRET_KEY = "test-secret-key-of-at-least-32-characters";

/** An in-memory KV as the app has it: given its pseudonym key (lib/kv/pseudonyms.ts). */
export async function keyedKv(): Promise<Deno.Kv> {
  const kv = await Deno.openKv(":memory:");
  givePseudonymKey(kv, TEST_SECRET_KEY);
  return kv;
}

export async function testApp(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const clock = { now: START };
  const outbox = new Map<string, string>();
  const sent: TestApp["sent"] = [];
  const sms: SmsSender = {
    send(mobile, code, _ttl, purpose) {
      outbox.set(mobile, code);
      sent.push({ mobile, code, purpose });
      return Promise.resolve({ ok: true });
    },
  };
  const config = readConfig({
    SECRET_KEY: TEST_SECRET_KEY,
    BCRYPT_COST: "4",
    // The route tests' browser is at http://localhost:8000, the name the app is told it has.
    HOSTNAME: "localhost",
    ...env,
  });
  const passwords = createPasswordHasher(config.bcryptCost, 1);
  const kv = await Deno.openKv(env.DENO_KV_PATH ?? ":memory:");
  const app = await createApp(config, {
    kv,
    now: () => clock.now,
    sms,
    passwords,
  });
  return {
    ...app,
    clock,
    outbox,
    sent,
    close() {
      passwords.close();
      kv.close();
    },
  };
}

/** Everything in the KV under `prefix`, as [key, value] pairs. */
export async function listKv(
  kv: Deno.Kv,
  prefix: Deno.KvKey = [],
): Promise<[Deno.KvKey, unknown][]> {
  const rows: [Deno.KvKey, unknown][] = [];
  for await (const entry of kv.list({ prefix })) {
    rows.push([entry.key, entry.value]);
  }
  return rows;
}

/**
 * Counts what `kv` is asked for from now on, by table (the first part of a key): a key for each one
 * `get` or `getMany` reads, and one for each `list`. The answer: how many of `table` so far, or of all.
 */
export function countReads(kv: Deno.Kv): (table?: string) => number {
  const tables: string[] = [];
  const { get, getMany, list } = kv;
  kv.get =
    ((key: Deno.KvKey, options?: { consistency?: Deno.KvConsistencyLevel }) => {
      tables.push(String(key[0]));
      return get.call(kv, key, options);
    }) as typeof kv.get;
  kv.getMany = ((
    keys: Deno.KvKey[],
    options?: { consistency?: Deno.KvConsistencyLevel },
  ) => {
    tables.push(...keys.map((key) => String(key[0])));
    return getMany.call(kv, keys, options);
  }) as typeof kv.getMany;
  kv.list = ((selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
    const key = "prefix" in selector ? selector.prefix : selector.start;
    tables.push(String(key[0]));
    return list.call(kv, selector, options);
  }) as typeof kv.list;
  return (table) =>
    table === undefined
      ? tables.length
      : tables.filter((name) => name === table).length;
}

/** What a person reads off the image code of `uuid`. */
export async function readImageCode(app: App, uuid: string): Promise<string> {
  const entry = await app.kv.get<ImageCode>(imageCodeKey(uuid));
  if (!entry.value) throw new Error(`no image code for ${uuid}`);
  return entry.value.text;
}

/**
 * Asks for an SMS code as a person at the form would: when the server asks for an image code, loads a
 * new image, reads it, and asks again with its answer; then waits for the phone to get it.
 */
export async function sendSmsAsAPerson(
  app: App,
  request: SendRequest,
  clientAddress: string,
): Promise<SendResult> {
  let sent = await sendSmsCode(app, request, clientAddress);
  if (!sent.ok && sent.captcha) {
    const uuid = crypto.randomUUID();
    const browser = request.challenge?.browser ?? "a-person-at-the-form-01";
    await drawImageCode(app, uuid, browser);
    const image_code = await readImageCode(app, uuid);
    sent = await sendSmsCode(
      app,
      { ...request, challenge: { browser, uuid, image_code } },
      clientAddress,
    );
  }
  // Some purposes are answered before the gateway has the code: the phone has it once that is done.
  await app.background.settled();
  return sent;
}

/**
 * Adds to `op` the consent of `userId` to the texts an app without LEGAL_DIR shows (the templates), as
 * the register form would have: for accounts a test writes straight into the KV.
 */
export function consentedIn(
  op: Deno.AtomicOperation,
  userId: string,
  now = Date.now(),
): Deno.AtomicOperation {
  return recordConsentIn(
    op,
    userId,
    consentTo(readLegalTexts(undefined), "register", now),
  );
}
