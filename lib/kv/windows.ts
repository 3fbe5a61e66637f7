// Sliding-window limits in KV, for the login throttle and the audit trail's refusals.
//
// Each use is its own row under each window's prefix, `[...prefix, time, id]`, expiring with the
// window: rows never conflict, so none is lost under load, and a burst counts itself. Uses are
// ranked by commit versionstamp, not by key: a use committed earlier is always visible to one
// committed later, whatever their clocks said, so exactly the first `limit` of a burst get through.
import { randomId } from "../core/crypto.ts";

export interface Window {
  prefix: Deno.KvKey;
  limit: number;
}

export interface WindowUse {
  /** Takes this use back: it no longer counts in any of its windows. */
  release(): Promise<void>;
}

/** Counts one use in each of `windows`; null, and not counted, when any of them is at its limit. */
export async function countInWindows(
  kv: Deno.Kv,
  windows: Window[],
  windowMs: number,
  now: number,
): Promise<WindowUse | null> {
  const id = randomId(9);
  const keys = windows.map(({ prefix }) => [...prefix, now, id]);
  const op = kv.atomic();
  for (const key of keys) op.set(key, now, { expireIn: windowMs });
  // No checks, so it cannot fail.
  const { versionstamp } = await op.commit() as Deno.KvCommitResult;
  const release = async () => {
    const undo = kv.atomic();
    for (const key of keys) undo.delete(key);
    await undo.commit();
  };
  const counts = await Promise.all(
    windows.map(({ prefix, limit }) =>
      usesBefore(kv, prefix, versionstamp, limit, now - windowMs)
    ),
  );
  if (counts.some((count, i) => count >= windows[i].limit)) {
    await release();
    return null;
  }
  return { release };
}

/** How many uses under `prefix` since `since` were committed before `versionstamp`, up to `limit`. */
async function usesBefore(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  versionstamp: string,
  limit: number,
  since: number,
): Promise<number> {
  let count = 0;
  // KV's expiry is lazy, so the window is judged by the stored time, not by presence. Refused
  // uses are deleted, so a prefix holds at most its limit plus the uses in flight.
  for await (const entry of kv.list<number>({ prefix })) {
    if (entry.value > since && entry.versionstamp < versionstamp) {
      if (++count === limit) break;
    }
  }
  return count;
}
