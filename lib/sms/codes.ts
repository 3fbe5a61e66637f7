// SMS verification codes: issued with resend and daily limits, burned after too many wrong guesses,
// consumed by the same atomic write that uses them. A code is for one purpose and only a form of that
// purpose can use it; the limits count every purpose together.
//
// A request for a purpose that can't apply to its mobile (a reset for a mobile with no account, a mobile
// change to one that has one) gets a code row all the same, marked undelivered: sent to no one and never
// matched, it takes wrong guesses and burns as a real one does, so the form tells nothing either. It
// counts against the asking client's day, never against the mobile's, whose owner it did not reach.
//
// Mobiles and addresses are keys here only as their pseudonyms (lib/kv/pseudonyms.ts): `mobile*` is
// pseudonym("mobile", mobile), `address*` pseudonym("address", address).
//
// | key                                          | value     | expires   |
// | -------------------------------------------- | --------- | --------- |
// | ["sms_codes", mobile*, purpose]              | SmsCode   | 300 s     |
// | ["sms_code_guesses", mobile*, purpose]       | count     | the code's |
// | ["sms_last_sent", mobile*]                   | sent at   | 60 s      |
// | ["sms_sent_recently_to", mobile*]            | sent at   | 1 hour    |
// | ["sms_sent_recently_by", address*]           | sent at   | 1 hour    |
// | ["sms_sends_by_mobile", mobile*, chinaDay]   | delivered | 1 day     |
// | ["sms_sends_by_client", address*, chinaDay]  | count     | 1 day     |
import { timingSafeEqual } from "@/lib/core/crypto.ts";
import { CONTENDED_RETRIES } from "@/lib/kv/atomic.ts";
import { pseudonym } from "@/lib/kv/pseudonyms.ts";

import { RESEND_AFTER_S } from "./resend_gap.ts";

export { RESEND_AFTER_S };
export const SMS_CODE_TTL_S = 300;
export const DAILY_SENDS_PER_MOBILE = 10;
export const DAILY_SENDS_PER_CLIENT = 50;
export const WRONG_GUESSES_ALLOWED = 5;
/** With SMS_CAPTCHA=auto, a mobile or client sent a code this recently must solve an image code. */
export const QUIET_AFTER_S = 3600;

/**
 * What a code is for: `signup` registers and binds; `login` logs in by code (短信验证码登录); the others are
 * the account page's and the reset's.
 */
export const SMS_PURPOSES = [
  "signup",
  "login",
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
   * False when the purpose can't apply to this mobile (a reset for a mobile with no account): the send
   * starts the resend wait and leaves a code row as a real one does, so neither the answer nor the form
   * tells anything, but the code is undelivered and counts only against the client's day.
   */
  applies: boolean;
  /**
   * True when the request carries no solved image code and is let through only because nothing was sent
   * to this mobile or by this client in the last hour (SMS_CAPTCHA=auto): refused if that stops being so.
   */
  onlyIfQuiet: boolean;
}

export interface SmsCode {
  code: string;
  expiresAt: number;
  /** Made for a mobile its purpose can't apply to: sent to no one, so no guess ever matches it. */
  undelivered?: true;
}

/** `code` is null when the request did not apply and nothing is to be sent. */
export type IssueResult = { ok: true; code: string | null } | {
  ok: false;
  reason: "too_frequent" | "daily_cap" | "not_quiet";
};

/** What a request meets before its image code is looked at: the resend wait, and the last hour's sends. */
export interface SendLimits {
  waiting: boolean;
  /** While waiting: the seconds left of the gap, rounded up. */
  retryAfterS: number;
  /** A code was sent to this mobile or by this client in the last hour. */
  sentRecently: boolean;
}
export type CheckResult =
  | { ok: true; entry: Deno.KvEntry<SmsCode> }
  | { ok: false; reason: "no_live_code" | "wrong_code" };

const DAY_MS = 24 * 3600 * 1000;
const ofMobile = (kv: Deno.Kv, mobile: string) =>
  pseudonym(kv, "mobile", mobile);
const ofAddress = (kv: Deno.Kv, address: string) =>
  pseudonym(kv, "address", address);
/** The row of the live code of `purpose` for `mobile`. */
export const smsCodeKey = (
  kv: Deno.Kv,
  mobile: string,
  purpose: SmsPurpose,
) => ["sms_codes", ofMobile(kv, mobile), purpose];
// The comparisons a code has had, beside it rather than in it: counting a guess must not change the
// code's row, which the write that consumes it checks.
const guessesKey = (codeKey: Deno.KvKey) => [
  "sms_code_guesses",
  ...codeKey.slice(1),
];

/** The row counting the wrong guesses at the live code of `purpose` for `mobile`. */
export const smsCodeGuessesKey = (
  kv: Deno.Kv,
  mobile: string,
  purpose: SmsPurpose,
) => guessesKey(smsCodeKey(kv, mobile, purpose));
// Daily caps reset at midnight in China, where the shop's customers are.
const chinaDay = (now: number) => Math.floor((now + 8 * 3600 * 1000) / DAY_MS);
const lastSentKey = (kv: Deno.Kv, mobile: string) => [
  "sms_last_sent",
  ofMobile(kv, mobile),
];
/** When `mobile` was last sent a code, for the hour in which another needs an image code. */
export const sentRecentlyToKey = (kv: Deno.Kv, mobile: string) => [
  "sms_sent_recently_to",
  ofMobile(kv, mobile),
];
const recentByKey = (kv: Deno.Kv, address: string) => [
  "sms_sent_recently_by",
  ofAddress(kv, address),
];
/** Today's count of codes sent to `mobile`, the daily cap's. */
export const sendsToMobileKey = (kv: Deno.Kv, mobile: string, now: number) => [
  "sms_sends_by_mobile",
  ofMobile(kv, mobile),
  chinaDay(now),
];
/** Today's count of codes asked by `address`, the per-client cap's. */
export const sendsByClientKey = (kv: Deno.Kv, address: string, now: number) => [
  "sms_sends_by_client",
  ofAddress(kv, address),
  chinaDay(now),
];

const within = (
  entry: Deno.KvEntryMaybe<number>,
  seconds: number,
  now: number,
) => entry.value !== null && now - entry.value < seconds * 1000;

/** Seconds left before another code may be sent to `mobile` (0 when one may be now), rounded up. */
export async function secondsUntilResend(
  kv: Deno.Kv,
  mobile: string,
  now: number,
): Promise<number> {
  return resendWait(
    (await kv.get<number>(lastSentKey(kv, mobile))).value,
    now,
  );
}

function resendWait(lastSentAt: number | null, now: number): number {
  if (lastSentAt === null) return 0;
  return Math.max(
    0,
    Math.ceil((lastSentAt + RESEND_AFTER_S * 1000 - now) / 1000),
  );
}

/** Reads the resend wait and the last hour's sends for a request about to be checked. */
export async function readSendLimits(
  kv: Deno.Kv,
  mobile: string,
  clientAddress: string,
  now: number,
): Promise<SendLimits> {
  const [lastSent, recentTo, recentBy] = await kv.getMany<
    [number, number, number]
  >([
    lastSentKey(kv, mobile),
    sentRecentlyToKey(kv, mobile),
    recentByKey(kv, clientAddress),
  ]);
  return {
    waiting: within(lastSent, RESEND_AFTER_S, now),
    retryAfterS: resendWait(lastSent.value, now),
    sentRecently: within(recentTo, QUIET_AFTER_S, now) ||
      within(recentBy, QUIET_AFTER_S, now),
  };
}

/** Makes a new code for the request unless the resend interval, a daily cap or the quiet hour forbids it. */
export async function issueSmsCode(
  kv: Deno.Kv,
  { mobile, clientAddress, purpose, applies, onlyIfQuiet }: SmsCodeRequest,
  now: number,
): Promise<IssueResult> {
  const mobileCountKey = sendsToMobileKey(kv, mobile, now);
  const clientCountKey = sendsByClientKey(kv, clientAddress, now);
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    const [lastSent, mobileCount, clientCount, recentTo, recentBy] = await kv
      .getMany<[number, number, number, number, number]>([
        lastSentKey(kv, mobile),
        mobileCountKey,
        clientCountKey,
        sentRecentlyToKey(kv, mobile),
        recentByKey(kv, clientAddress),
      ]);
    if (within(lastSent, RESEND_AFTER_S, now)) {
      return { ok: false, reason: "too_frequent" };
    }
    // Checked under the write below: two first requests at once from one client can't both skip it.
    if (
      onlyIfQuiet &&
      (within(recentTo, QUIET_AFTER_S, now) ||
        within(recentBy, QUIET_AFTER_S, now))
    ) {
      return { ok: false, reason: "not_quiet" };
    }
    // A mobile at its cap is refused an undelivered code too: else the refusal would tell which it is.
    if (
      (mobileCount.value ?? 0) >= DAILY_SENDS_PER_MOBILE ||
      (clientCount.value ?? 0) >= DAILY_SENDS_PER_CLIENT
    ) {
      return { ok: false, reason: "daily_cap" };
    }
    const key = smsCodeKey(kv, mobile, purpose);
    const sms: SmsCode = {
      code: randomCode(),
      expiresAt: now + SMS_CODE_TTL_S * 1000,
      ...!applies && { undelivered: true as const },
    };
    // The checks make two simultaneous requests for one mobile send one code, and keep the caps exact.
    const op = kv.atomic().check(lastSent, mobileCount, clientCount);
    if (onlyIfQuiet) op.check(recentTo, recentBy);
    // Only a code its owner gets uses up the mobile's day: nobody can spend it on codes that reach no one.
    if (applies) {
      op.set(mobileCountKey, (mobileCount.value ?? 0) + 1, {
        expireIn: DAY_MS,
      });
    }
    const { ok } = await op
      .set(key, sms, { expireIn: SMS_CODE_TTL_S * 1000 })
      .set(guessesKey(key), 0, { expireIn: SMS_CODE_TTL_S * 1000 })
      .set(lastSent.key, now, { expireIn: RESEND_AFTER_S * 1000 })
      .set(recentTo.key, now, { expireIn: QUIET_AFTER_S * 1000 })
      .set(recentBy.key, now, { expireIn: QUIET_AFTER_S * 1000 })
      .set(clientCountKey, (clientCount.value ?? 0) + 1, { expireIn: DAY_MS })
      .commit();
    if (ok) return { ok: true, code: applies ? sms.code : null };
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
  const entry = await kv.get<SmsCode>(smsCodeKey(kv, mobile, purpose));
  if (entry.value?.code === code) {
    await kv.atomic().check(entry).delete(entry.key).commit();
  }
}

/**
 * Checks `guess` against the live code of `purpose` for `mobile` (a code of another purpose is no code).
 * Each guess first takes one of the code's five turns in a checked write, and is compared only once that
 * write has committed: however many guesses arrive at once, no more than five are ever compared. A right
 * guess is not consumed here: pass the entry to `consumeSmsCodeIn` in the write that uses it, or to
 * `returnSmsCodeTurn` when its form fails for another reason the owner will correct.
 */
export async function checkSmsCode(
  kv: Deno.Kv,
  mobile: string,
  purpose: SmsPurpose,
  guess: string,
  now: number,
): Promise<CheckResult> {
  const key = smsCodeKey(kv, mobile, purpose);
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    const [entry, guesses] = await kv.getMany<[SmsCode, number]>([
      key,
      guessesKey(key),
    ]);
    const sms = entry.value;
    const taken = guesses.value ?? 0;
    if (!sms || sms.expiresAt <= now || taken >= WRONG_GUESSES_ALLOWED) {
      return { ok: false, reason: "no_live_code" };
    }
    const turn = await kv.atomic().check(entry, guesses)
      .set(guesses.key, taken + 1, {
        expireIn: Math.max(1, sms.expiresAt - now),
      })
      .commit();
    if (!turn.ok) continue;
    // An undelivered code is compared all the same, so that it takes as long to refuse.
    if (timingSafeEqual(sms.code, guess) && !sms.undelivered) {
      return { ok: true, entry: entry as Deno.KvEntry<SmsCode> };
    }
    if (taken + 1 >= WRONG_GUESSES_ALLOWED) {
      // Burned: gone at once rather than at its expiry.
      await kv.atomic().check(entry).delete(entry.key).delete(guesses.key)
        .commit();
    }
    return { ok: false, reason: "wrong_code" };
  }
  // A guess that could not take a turn is never compared, and gets no answer about the code.
  return { ok: false, reason: "no_live_code" };
}

/** Adds the consumption of a checked code to `op`, which then fails if the code changed since the check. */
export function consumeSmsCodeIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<SmsCode>,
): Deno.AtomicOperation {
  return op.check(entry).delete(entry.key).delete(guessesKey(entry.key));
}

/**
 * Gives back the turn a right guess took, when the form it came with failed for a reason its owner will
 * correct (a wrong password in the bind form), so the code stays usable. Only a right guess has an entry
 * to give back, so this never returns a turn to a guesser.
 */
export async function returnSmsCodeTurn(
  kv: Deno.Kv,
  entry: Deno.KvEntry<SmsCode>,
  now: number,
): Promise<void> {
  const key = guessesKey(entry.key);
  for (let attempt = 0; attempt < CONTENDED_RETRIES; attempt++) {
    const [code, guesses] = await kv.getMany<[SmsCode, number]>([
      entry.key,
      key,
    ]);
    // A code consumed, burned or replaced since has no turns to return.
    if (code.versionstamp !== entry.versionstamp || !guesses.value) return;
    const given = await kv.atomic().check(code, guesses)
      .set(key, guesses.value - 1, {
        expireIn: Math.max(1, entry.value.expiresAt - now),
      })
      .commit();
    if (given.ok) return;
  }
}

function randomCode(): string {
  // Rejection sampling keeps every code equally likely.
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  if (value >= 4_294_000_000) return randomCode();
  return String(value % 1_000_000).padStart(6, "0");
}

/**
 * Lifts the limits on sending to `mobile` (an operator's unlock): the 60 s gap, the hour that asks for
 * an image code, and today's count. Its codes stay as they are.
 */
export async function clearSendLimits(
  kv: Deno.Kv,
  mobile: string,
  now: number,
): Promise<void> {
  await kv.atomic()
    .delete(lastSentKey(kv, mobile))
    .delete(sentRecentlyToKey(kv, mobile))
    .delete(sendsToMobileKey(kv, mobile, now))
    .commit();
}
