// Slows password guessing: once an account has 10 failed attempts within 15 minutes, or an address
// 100, further attempts are refused until the oldest fall out of the window.
//
// | key                                                 | value          | expires |
// | --------------------------------------------------- | -------------- | ------- |
// | ["login_attempts_by_account", login, time, id]      | attempt time   | 15 min  |
// | ["login_attempts_by_client", address, time, id]     | attempt time   | 15 min  |
//
// Each attempt is its own row, written before the password is checked and removed if it was right:
// rows never conflict, so none is lost under load, and a burst of guesses counts itself.
import { randomId } from "./_kv.ts";

export const WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_ACCOUNT = 10;
export const FAILURES_PER_CLIENT = 100;

let sequence = 0;

/** Orders attempts made in the same millisecond by arrival; the random tail keeps instances apart. */
function nextAttemptId(): string {
  return `${(sequence++).toString(36).padStart(8, "0")}.${randomId(6)}`;
}

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
  const id = nextAttemptId();
  const accountKey = ["login_attempts_by_account", login, now, id];
  const clientKey = ["login_attempts_by_client", address, now, id];
  await kv.atomic()
    .set(accountKey, now, { expireIn: WINDOW_MS })
    .set(clientKey, now, { expireIn: WINDOW_MS })
    .commit();
  const forget = () =>
    kv.atomic().delete(accountKey).delete(clientKey).commit().then(() => {});
  const [forAccount, forClient] = await Promise.all([
    attemptsBefore(
      kv,
      ["login_attempts_by_account", login],
      accountKey,
      FAILURES_PER_ACCOUNT,
      now,
    ),
    attemptsBefore(
      kv,
      ["login_attempts_by_client", address],
      clientKey,
      FAILURES_PER_CLIENT,
      now,
    ),
  ]);
  if (forAccount >= FAILURES_PER_ACCOUNT || forClient >= FAILURES_PER_CLIENT) {
    await forget();
    return null;
  }
  return { succeeded: forget };
}

/**
 * How many attempts under `prefix` within the window came before `own` (by time, then id), counting at
 * most `limit`. Ranking, rather than counting all, lets the first of a burst through and refuses the rest.
 */
async function attemptsBefore(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  own: Deno.KvKey,
  limit: number,
  now: number,
): Promise<number> {
  let count = 0;
  // KV's expiry is lazy, so the window is judged by the stored time, not by presence.
  for await (
    const entry of kv.list<number>({ prefix, end: own }, {
      reverse: true,
      limit,
    })
  ) {
    if (entry.value <= now - WINDOW_MS) break;
    count++;
  }
  return count;
}
