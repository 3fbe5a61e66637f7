// SMS verification codes: issued with resend and daily limits, burned after too many wrong guesses,
// consumed by the same atomic write that uses them. A code is for one purpose and only a form of that
// purpose can use it; the limits count every purpose together.
//
// | key                                         | value     | expires   |
// | ------------------------------------------- | --------- | --------- |
// | ["sms_codes", mobile, purpose]              | SmsCode   | 300 s     |
// | ["sms_last_sent", mobile]                   | sent at   | 60 s      |
// | ["sms_sends_by_mobile", mobile, chinaDay]   | count     | 1 day     |
// | ["sms_sends_by_client", address, chinaDay]  | count     | 1 day     |
import { timingSafeEqual } from "@/lib/_crypto.ts";
import { CONTENDED_RETRIES } from "@/lib/_atomic.ts";

export const SMS_CODE_TTL_S = 300;
export const RESEND_AFTER_S = 60;
export const DAILY_SENDS_PER_MOBILE = 10;
export const DAILY_SENDS_PER_CLIENT = 50;
export const WRONG_GUESSES_ALLOWED = 5;

/** What a code is for: `signup` registers and binds; the others are the account page's and the reset's. */
export const SMS_PURPOSES = [
  "signup",
  "reset_password",
  "change_mobile",
  "delete_account",
] as const;
export type SmsPurpose = typeof SMS_PURPOSES[number];

export const isSmsPurpose = (value: string): value is SmsPurpose =>
  (SMS_PURPOSES as readonly string[]).includes(value);

/** One request for a code. */
export interface SmsCodeRequest {
  mobile: string;
  clientAddress: string;
  purpose: SmsPurpose;
  /**
   * False when the purpose can't apply to this mobile (a reset for a mobile with no account): the send is
   * counted and starts the resend wait as a real one does, so the answer tells nothing, but no code is made.
   */
  applies: boolean;
}

export interface SmsCode {
  code: string;
  expiresAt: number;
  wrongGuesses: number;
}

/** `code` is null when the request did not apply and nothing is to be sent. */
export type IssueResult = { ok: true; code: string | null } | {
  ok: false;
  reason: "too_frequent" | "daily_cap";
};
export type CheckResult =
  | { ok: true; entry: Deno.KvEntry<SmsCode> }
  | { ok: false; reason: "no_live_code" | "wrong_code" };

const DAY_MS = 24 * 3600 * 1000;
const codeKey = (mobile: string, purpose: SmsPurpose) => [
  "sms_codes",
  mobile,
  purpose,
];
// Daily caps reset at midnight in China, where the shop's customers are.
const chinaDay = (now: number) => Math.floor((now + 8 * 3600 * 1000) / DAY_MS);

/** Makes a new code for the request unless the resend interval or a daily cap forbids it. */
export async function issueSmsCode(
  kv: Deno.Kv,
  { mobile, clientAddress, purpose, applies }: SmsCodeRequest,
  now: number,
): Promise<IssueResult> {
  const lastSentKey = ["sms_last_sent", mobile];
  const mobileCountKey = ["sms_sends_by_mobile", mobile, chinaDay(now)];
  const clientCountKey = ["sms_sends_by_client", clientAddress, chinaDay(now)];
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    const [lastSent, mobileCount, clientCount] = await kv.getMany<
      [number, number, number]
    >([
      lastSentKey,
      mobileCountKey,
      clientCountKey,
    ]);
    if (
      lastSent.value !== null && now - lastSent.value < RESEND_AFTER_S * 1000
    ) {
      return { ok: false, reason: "too_frequent" };
    }
    if (
      (mobileCount.value ?? 0) >= DAILY_SENDS_PER_MOBILE ||
      (clientCount.value ?? 0) >= DAILY_SENDS_PER_CLIENT
    ) {
      return { ok: false, reason: "daily_cap" };
    }
    const code = applies ? randomCode() : null;
    // The checks make two simultaneous requests for one mobile send one code, and keep the caps exact.
    const op = kv.atomic().check(lastSent, mobileCount, clientCount);
    if (code !== null) {
      const sms: SmsCode = {
        code,
        expiresAt: now + SMS_CODE_TTL_S * 1000,
        wrongGuesses: 0,
      };
      op.set(codeKey(mobile, purpose), sms, {
        expireIn: SMS_CODE_TTL_S * 1000,
      });
    }
    const { ok } = await op
      .set(lastSentKey, now, { expireIn: RESEND_AFTER_S * 1000 })
      .set(mobileCountKey, (mobileCount.value ?? 0) + 1, { expireIn: DAY_MS })
      .set(clientCountKey, (clientCount.value ?? 0) + 1, { expireIn: DAY_MS })
      .commit();
    if (ok) return { ok: true, code };
  }
  return { ok: false, reason: "too_frequent" };
}

/** Withdraws `code` when it could not be delivered, so no one is left waiting on it. */
export async function withdrawSmsCode(
  kv: Deno.Kv,
  mobile: string,
  purpose: SmsPurpose,
  code: string,
): Promise<void> {
  const entry = await kv.get<SmsCode>(codeKey(mobile, purpose));
  if (entry.value?.code === code) {
    await kv.atomic().check(entry).delete(entry.key).commit();
  }
}

/**
 * Checks `guess` against the live code of `purpose` for `mobile` (a code of another purpose is no code).
 * A wrong guess is counted, and the fifth burns the code. A right guess is not consumed here: pass the
 * entry to `consumeSmsCodeIn` in the write that uses it.
 */
export async function checkSmsCode(
  kv: Deno.Kv,
  mobile: string,
  purpose: SmsPurpose,
  guess: string,
  now: number,
): Promise<CheckResult> {
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    const entry = await kv.get<SmsCode>(codeKey(mobile, purpose));
    const sms = entry.value;
    if (
      !sms || sms.expiresAt <= now || sms.wrongGuesses >= WRONG_GUESSES_ALLOWED
    ) {
      return { ok: false, reason: "no_live_code" };
    }
    if (timingSafeEqual(sms.code, guess)) {
      return { ok: true, entry: entry as Deno.KvEntry<SmsCode> };
    }
    const wrongGuesses = sms.wrongGuesses + 1;
    const op = kv.atomic().check(entry);
    if (wrongGuesses >= WRONG_GUESSES_ALLOWED) op.delete(entry.key);
    else {op.set(entry.key, { ...sms, wrongGuesses }, {
        expireIn: Math.max(1, sms.expiresAt - now),
      });}
    // Counting under a check means parallel guesses cannot share one count.
    if ((await op.commit()).ok) return { ok: false, reason: "wrong_code" };
  }
  // A guess that could not be counted gets no answer about the code.
  return { ok: false, reason: "no_live_code" };
}

/** Adds the consumption of a checked code to `op`, which then fails if the code changed since the check. */
export function consumeSmsCodeIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<SmsCode>,
): Deno.AtomicOperation {
  return op.check(entry).delete(entry.key);
}

function randomCode(): string {
  // Rejection sampling keeps every code equally likely.
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  if (value >= 4_294_000_000) return randomCode();
  return String(value % 1_000_000).padStart(6, "0");
}
