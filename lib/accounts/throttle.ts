// Slows password guessing: once an account has 10 failed attempts within 15 minutes, or an address
// 100, further attempts are refused until the oldest fall out of the window.
//
// | key                                                 | value          | expires |
// | --------------------------------------------------- | -------------- | ------- |
// | ["login_attempts_by_account", login, time, id]      | attempt time   | 15 min  |
// | ["login_attempts_by_client", address, time, id]     | attempt time   | 15 min  |
//
// Each attempt is counted before the password is checked and taken back if it was right (see
// lib/_window.ts for how a burst counts itself).
import { useWindows } from "@/lib/_window.ts";

export const WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_ACCOUNT = 10;
export const FAILURES_PER_CLIENT = 100;

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
      {
        prefix: ["login_attempts_by_account", login],
        limit: FAILURES_PER_ACCOUNT,
      },
      {
        prefix: ["login_attempts_by_client", address],
        limit: FAILURES_PER_CLIENT,
      },
    ],
    WINDOW_MS,
    now,
  );
  return use && { succeeded: use.release };
}
