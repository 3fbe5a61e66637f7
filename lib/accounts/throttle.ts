// Slows password guessing: once an account has 10 failed attempts within 15 minutes, or an address
// 100, further attempts are checked only when they carry a solved image code, until the oldest fall
// out of the window.
//
// The login (a username or a mobile, as typed) and the address are keys only as their pseudonyms
// (lib/kv/pseudonyms.ts), marked `*`.
//
// | key                                                 | value          | expires |
// | --------------------------------------------------- | -------------- | ------- |
// | ["login_attempts_by_account", login*, time, id]     | attempt time   | 15 min  |
// | ["login_attempts_by_client", address*, time, id]    | attempt time   | 15 min  |
//
// Each attempt is counted before the password is checked and taken back if it was right (see
// lib/kv/windows.ts for how a burst counts itself).
import type { App } from "@/lib/app/app.ts";
import { useWindows } from "@/lib/kv/windows.ts";
import { pseudonym } from "@/lib/kv/pseudonyms.ts";
import {
  imageCodeMessage,
  verifyImageCode,
} from "@/lib/captcha/image_codes.ts";
import { messages } from "@/lib/messages.ts";

export const WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_ACCOUNT = 10;
export const FAILURES_PER_CLIENT = 100;

/** The attempts at `login` (a username or a mobile), under its pseudonym. */
export const attemptsAtKey = (kv: Deno.Kv, login: string) => [
  "login_attempts_by_account",
  pseudonym(kv, "login", login),
];

export interface LoginAttempt {
  /** The password was right: this attempt no longer counts against anyone. */
  succeeded(): Promise<void>;
}

/** Counts an attempt for `login` from `address`; null when either is at its limit (the attempt is then not counted). */
export async function startLoginAttempt(
  kv: Deno.Kv,
  login: string,
  address: string,
  now: number,
): Promise<LoginAttempt | null> {
  const use = await useWindows(
    kv,
    [
      { prefix: attemptsAtKey(kv, login), limit: FAILURES_PER_ACCOUNT },
      {
        prefix: ["login_attempts_by_client", pseudonym(kv, "address", address)],
        limit: FAILURES_PER_CLIENT,
      },
    ],
    WINDOW_MS,
    now,
  );
  return use && { succeeded: use.release };
}

/** The image code a form carried (`image_code`, `uuid`), if any. */
export interface ImageCodeAnswer {
  uuid?: string;
  text?: string;
}

export type PasswordCheckAdmission =
  /** `attempt` is null when the image code let it past the limit: there is nothing to take back. */
  | { ok: true; attempt: LoginAttempt | null; pastLimit: boolean }
  | { ok: false; field: "account" | "image_code"; message: string };

/**
 * Whether a password for `login` may be checked now: under the limits, or past them only with a solved
 * image code, so guessing stays bounded while nobody can lock the owner out by guessing wrongly.
 */
export async function admitPasswordCheck(
  app: App,
  login: string,
  address: string,
  imageCode: ImageCodeAnswer,
): Promise<PasswordCheckAdmission> {
  const attempt = await startLoginAttempt(app.kv, login, address, app.now());
  if (attempt) return { ok: true, attempt, pastLimit: false };
  if (!imageCode.text) {
    return { ok: false, field: "account", message: messages.tooManyAttempts };
  }
  const solved = await verifyImageCode(app, imageCode.uuid, imageCode.text);
  if (!solved.ok) {
    return {
      ok: false,
      field: "image_code",
      message: imageCodeMessage(solved.reason),
    };
  }
  return { ok: true, attempt: null, pastLimit: true };
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
