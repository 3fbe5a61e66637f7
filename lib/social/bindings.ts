// QQ bindings: one openid per user and one user per openid.
import { ATOMIC_RETRIES } from "@/lib/_atomic.ts";
//
// | key                              | value      |
// | -------------------------------- | ---------- |
// | ["qq_bindings", openid]          | QqBinding  |
// | ["qq_bindings_by_user", userId]  | openid     |

export interface QqBinding {
  openid: string;
  userId: string;
  nickname: string | null;
  createdAt: number;
}

const bindingKey = (openid: string) => ["qq_bindings", openid];
const byUserKey = (userId: string) => ["qq_bindings_by_user", userId];

/** The binding of `openid`, with its entry for a write that relies on it staying unbound. */
export async function findBindingByOpenid(kv: Deno.Kv, openid: string) {
  const entry = await kv.get<QqBinding>(bindingKey(openid));
  return { binding: entry.value, check: entry } as const;
}

/** The binding of the user `userId`, with its entry for a write that relies on it. */
export async function findBindingOfUser(kv: Deno.Kv, userId: string) {
  const index = await kv.get<string>(byUserKey(userId));
  const binding = index.value === null
    ? null
    : (await kv.get<QqBinding>(bindingKey(index.value))).value;
  return { binding, check: index } as const;
}

/**
 * What stops `openid` binding to `userId`: the openid is bound already, or the user is. One read of the
 * two keys that `bindIn` checks.
 */
export async function findBindConflict(
  kv: Deno.Kv,
  openid: string,
  userId: string,
): Promise<"openid_bound" | "user_bound" | null> {
  const [openidEntry, userEntry] = await kv.getMany([
    bindingKey(openid),
    byUserKey(userId),
  ]);
  if (openidEntry.versionstamp !== null) return "openid_bound";
  return userEntry.versionstamp !== null ? "user_bound" : null;
}

/** Adds `binding` to `op`, which then fails if either the openid or the user was bound meanwhile. */
export function bindIn(
  op: Deno.AtomicOperation,
  binding: QqBinding,
): Deno.AtomicOperation {
  return op
    .check({ key: bindingKey(binding.openid), versionstamp: null })
    .check({ key: byUserKey(binding.userId), versionstamp: null })
    .set(bindingKey(binding.openid), binding)
    .set(byUserKey(binding.userId), binding.openid);
}

/** Removes the user's QQ binding; the openid it had, or null when there was none. */
export async function unbindQq(
  kv: Deno.Kv,
  userId: string,
): Promise<string | null> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const index = await kv.get<string>(byUserKey(userId));
    if (index.value === null) return null;
    const binding = await kv.get<QqBinding>(bindingKey(index.value));
    const op = kv.atomic().check(index).delete(index.key);
    // Only the binding that points back at this user is ours to delete.
    if (binding.value?.userId === userId) op.check(binding).delete(binding.key);
    if ((await op.commit()).ok) return index.value;
  }
  throw new Error("unbindQq: the binding kept changing under us");
}
