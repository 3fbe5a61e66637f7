// Slows password guessing: once an account has 10 failed attempts within 15 minutes, or an address
// 100, further attempts are refused until the oldest fall out of the window.
//
// | key                                                 | value          | expires |
// | --------------------------------------------------- | -------------- | ------- |
// | ["login_attempts_by_account", login, time, id]      | attempt time   | 15 min  |
// | ["login_attempts_by_client", address, time, id]     | attempt time   | 15 min  |
//
// Each attempt is its own row, written before the password is checked and removed if it was right:
// rows never conflict, so none is lost under load, and a burst of guesses counts itself. Attempts
// are ranked by commit versionstamp, not by key: an attempt committed earlier is always visible to
// one committed later, whatever their clocks said, so exactly the first 10 of a burst get through.
import { randomId } from "@/lib/_crypto.ts";

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
  const id = randomId(9);
  const accountKey = ["login_attempts_by_account", login, now, id];
  const clientKey = ["login_attempts_by_client", address, now, id];
  const { versionstamp } = await kv.atomic()
    .set(accountKey, now, { expireIn: WINDOW_MS })
    .set(clientKey, now, { expireIn: WINDOW_MS })
    .commit() as Deno.KvCommitResult; // no checks, so it cannot fail
  const forget = () =>
    kv.atomic().delete(accountKey).delete(clientKey).commit().then(() => {});
  const [forAccount, forClient] = await Promise.all([
    attemptsBefore(
      kv,
      ["login_attempts_by_account", login],
      versionstamp,
      FAILURES_PER_ACCOUNT,
      now,
    ),
    attemptsBefore(
      kv,
      ["login_attempts_by_client", address],
      versionstamp,
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

/** How many attempts under `prefix`, within the window, were committed before `versionstamp`, up to `limit`. */
async function attemptsBefore(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  versionstamp: string,
  limit: number,
  now: number,
): Promise<number> {
  let count = 0;
  // KV's expiry is lazy, so the window is judged by the stored time, not by presence. Refused
  // attempts are deleted, so a prefix holds at most its limit plus the attempts in flight.
  for await (const entry of kv.list<number>({ prefix })) {
    if (entry.value > now - WINDOW_MS && entry.versionstamp < versionstamp) {
      if (++count === limit) break;
    }
  }
  return count;
}
