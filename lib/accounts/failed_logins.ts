// Wrong passwords an owner should hear of: every failed password check of an account is counted until
// the owner next logs in; when that login finds 10 or more, the next page tells them how many
// (上次登录后有 N 次失败的登录尝试), once.
//
// | key                                  | value             | expires                  |
// | ------------------------------------ | ----------------- | ------------------------ |
// | ["failed_password_checks", userId]   | count             | 30 days after the last   |
// | ["login_notices", userId]            | failures to tell  | 7 days                   |
import { CONTENDED_RETRIES } from "@/lib/kv/atomic.ts";

/** From this many failures on, the owner is told at their next login. */
export const FAILURES_WORTH_TELLING = 10;
const COUNT_TTL_MS = 30 * 24 * 3600 * 1000;
export const NOTICE_TTL_MS = 7 * 24 * 3600 * 1000;

const countKey = (userId: string) => ["failed_password_checks", userId];
const noticeKey = (userId: string) => ["login_notices", userId];

/** Counts one wrong password for `userId`. */
export async function recordFailedPasswordCheck(
  kv: Deno.Kv,
  userId: string,
): Promise<void> {
  // Many wrong guesses land at once in an attack: each lost race re-reads the count.
  for (let round = 0; round < CONTENDED_RETRIES; round++) {
    const entry = await kv.get<number>(countKey(userId));
    const done = await kv.atomic().check(entry).set(
      entry.key,
      (entry.value ?? 0) + 1,
      { expireIn: COUNT_TTL_MS },
    ).commit();
    if (done.ok) return;
  }
}

/**
 * `userId` has just logged in: the count starts again, and a count worth telling becomes the next page's
 * notice. True when it did.
 */
export async function noteLogin(kv: Deno.Kv, userId: string): Promise<boolean> {
  for (let round = 0; round < CONTENDED_RETRIES; round++) {
    const entry = await kv.get<number>(countKey(userId));
    if (!entry.value) return false;
    const op = kv.atomic().check(entry).delete(entry.key);
    const worthTelling = entry.value >= FAILURES_WORTH_TELLING;
    if (worthTelling) {
      op.set(noticeKey(userId), entry.value, { expireIn: NOTICE_TTL_MS });
    }
    if ((await op.commit()).ok) return worthTelling;
  }
  return false;
}

/** The failures to tell `userId` about, once: null when there is nothing to tell (or it was told). */
export async function takeLoginNotice(
  kv: Deno.Kv,
  userId: string,
): Promise<number | null> {
  const entry = await kv.get<number>(noticeKey(userId));
  if (entry.value === null) return null;
  const taken = await kv.atomic().check(entry).delete(entry.key).commit();
  return taken.ok ? entry.value : null;
}
