// Slows password guessing. Once an account has 10 failed attempts within 15 minutes, a browser 20, or an
// address 100 (from browsers the app doesn't know), further attempts are checked only when they carry a
// solved challenge (lib/captcha/challenge.ts), until the oldest fall out of the window. Whatever the
// challenge, an account takes at most 50 password checks a day (China's day), right or wrong.
//
// The login (a username or a mobile, as typed) and the address are keys only as their pseudonyms
// (lib/kv/pseudonyms.ts), marked `*`.
//
// | key                                                     | value          | expires |
// | ------------------------------------------------------- | -------------- | ------- |
// | ["login_attempts_by_account", login*, time, id]         | attempt time   | 15 min  |
// | ["login_attempts_by_browser", browser, time, id]        | attempt time   | 15 min  |
// | ["login_attempts_by_client", address*, time, id]        | attempt time   | 15 min  |
// | ["password_checks_by_account", account, day, time, id]  | check time     | 1 day   |
//
// Each attempt is counted before the password is checked and taken back if it was right (see
// lib/kv/windows.ts for how a burst counts itself). A browser that logged in here lately (known, see
// lib/http/browser_id.ts) is counted by itself and not by its address, so one address (a NAT) can't
// make every login behind it need a challenge. The daily checks are never taken back: a solved
// challenge buys a check, not an unbounded number of them.
import type { App } from "@/lib/app/app.ts";
import { countInWindows, type Window } from "@/lib/kv/windows.ts";
import { pseudonym } from "@/lib/kv/pseudonyms.ts";
import {
  type ChallengeAnswer,
  challengeMessage,
  isAnswered,
  verifyChallenge,
} from "@/lib/captcha/challenge.ts";
import { shopDay } from "@/lib/core/shop_time.ts";
import { isKnownBrowser } from "@/lib/http/browser_id.ts";
import { messages } from "@/lib/messages.ts";
import { recordFailedPasswordCheck } from "./failed_logins.ts";

export const WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_ACCOUNT = 10;
export const FAILURES_PER_BROWSER = 20;
export const FAILURES_PER_CLIENT = 100;
export const CHECKS_PER_ACCOUNT_PER_DAY = 50;
const DAY_MS = 24 * 3600 * 1000;

/** The attempts at `login` (a username or a mobile), under its pseudonym. */
export const attemptsAtKey = (kv: Deno.Kv, login: string) => [
  "login_attempts_by_account",
  pseudonym(kv, "login", login),
];

export interface LoginAttempt {
  /** The password was right: this attempt no longer counts against anyone. */
  succeeded(): Promise<void>;
}

/** Where an attempt comes from: the browser's id (null without the cookie) and whether it is known. */
export interface AttemptingBrowser {
  id: string | null;
  known: boolean;
}

/**
 * Counts an attempt for `login` from `address` and `browser`; null when one of them is at its limit (the
 * attempt is then not counted).
 */
export async function startLoginAttempt(
  kv: Deno.Kv,
  login: string,
  address: string,
  now: number,
  browser: AttemptingBrowser = { id: null, known: false },
): Promise<LoginAttempt | null> {
  const windows: Window[] = [{
    prefix: attemptsAtKey(kv, login),
    limit: FAILURES_PER_ACCOUNT,
  }];
  if (browser.id) {
    windows.push({
      prefix: ["login_attempts_by_browser", browser.id],
      limit: FAILURES_PER_BROWSER,
    });
  }
  if (!browser.known) {
    windows.push({
      prefix: ["login_attempts_by_client", pseudonym(kv, "address", address)],
      limit: FAILURES_PER_CLIENT,
    });
  }
  const use = await countInWindows(kv, windows, WINDOW_MS, now);
  return use && { succeeded: use.release };
}

/** Whose password is checked: the login as typed (for the 15-minute limit) and the account's user id. */
export interface CheckedAccount {
  login: string;
  /** Unset for a login that names nobody: it is limited by the login instead, so no answer tells. */
  userId?: string;
}

export type PasswordCheckAdmission =
  | {
    ok: true;
    /** The check was let past the 15-minute limit by a solved challenge. */
    pastLimit: boolean;
    /** Says how the check went: a right password takes its attempt back, a wrong one is counted for the owner. */
    settle(right: boolean): Promise<void>;
  }
  | {
    ok: false;
    field: "account" | "image_code";
    message: string;
    /** The form should show a (new) challenge: false when none would help (the day's checks are used). */
    captcha: boolean;
  };

/**
 * Whether a password for `account` may be checked now: under the day's cap, and under the 15-minute limits
 * or past them only with a solved challenge, so guessing stays bounded while nobody can lock the owner
 * out by guessing wrongly.
 */
export async function admitPasswordCheck(
  app: App,
  account: CheckedAccount,
  address: string,
  answer: ChallengeAnswer,
): Promise<PasswordCheckAdmission> {
  const now = app.now();
  const daily = await countInWindows(
    app.kv,
    [{
      prefix: [
        "password_checks_by_account",
        account.userId ?? `login:${account.login}`,
        shopDay(now),
      ],
      limit: CHECKS_PER_ACCOUNT_PER_DAY,
    }],
    DAY_MS,
    now,
  );
  if (!daily) {
    return {
      ok: false,
      field: "account",
      message: messages.tooManyAttemptsToday,
      captcha: false,
    };
  }
  const settled = (attempt: LoginAttempt | null) => async (right: boolean) => {
    if (right) await attempt?.succeeded();
    else if (account.userId) {
      await recordFailedPasswordCheck(app.kv, account.userId);
    }
  };
  const known = await isKnownBrowser(app.kv, answer.browser, now);
  const attempt = await startLoginAttempt(
    app.kv,
    account.login,
    address,
    now,
    { id: answer.browser, known },
  );
  if (attempt) return { ok: true, pastLimit: false, settle: settled(attempt) };
  // Refused before any password was checked: the day's check is given back.
  if (!isAnswered(app, answer)) {
    await daily.release();
    return {
      ok: false,
      field: "account",
      message: messages.tooManyAttempts,
      captcha: true,
    };
  }
  const solved = await verifyChallenge(app, answer, address);
  if (!solved.ok) {
    await daily.release();
    return {
      ok: false,
      field: "image_code",
      message: challengeMessage(app, solved.reason),
      captcha: true,
    };
  }
  return { ok: true, pastLimit: true, settle: settled(null) };
}

/** Forgets every attempt at `login` (a password reset): the owner starts with a clean slate. */
export async function clearLoginAttempts(
  kv: Deno.Kv,
  login: string,
): Promise<void> {
  const op = kv.atomic();
  let pending = 0;
  for await (
    const entry of kv.list({ prefix: attemptsAtKey(kv, login) })
  ) {
    op.delete(entry.key);
    if (++pending === 500) break;
  }
  if (pending) await op.commit();
}

/** Forgets today's password checks of `userId` (a password reset: the owner proved it by SMS). */
export async function clearPasswordChecksToday(
  kv: Deno.Kv,
  userId: string,
  now: number,
): Promise<void> {
  const op = kv.atomic();
  let pending = 0;
  for await (
    const entry of kv.list({
      prefix: ["password_checks_by_account", userId, shopDay(now)],
    })
  ) {
    op.delete(entry.key);
    if (++pending === 500) break;
  }
  if (pending) await op.commit();
}
