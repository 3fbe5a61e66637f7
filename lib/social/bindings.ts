// Bindings: a provider's identity joined to a shop account. One account per identity, and at most one
// identity of each provider per account.
//
// | key                                     | value    |
// | --------------------------------------- | -------- |
// | ["bindings", provider, uid]             | Binding  |
// | ["bindings_by_user", userId, provider]  | uid      |
//
// The uid is the provider's: QQ's openid, Weibo's uid, WeChat's `unionid:<unionid>` or `openid:<openid>`
// (wechatUid: the two are separate spaces). 0.1 kept QQ's alone under ["qq_bindings", openid] and
// ["qq_bindings_by_user", userId], 0.2 WeChat's under a bare id; start-up moves them here (migrations.ts).
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";

export interface Binding {
  provider: string;
  /** The identity's key at the provider (QQ's openid, WeChat's `unionid:…` or `openid:…`, Weibo's uid). */
  uid: string;
  unionid?: string;
  userId: string;
  nickname: string | null;
  createdAt: number;
  /**
   * Made by a connect (a provider login started while logged in), which the account page tells its owner
   * of. Absent: made by the bind form, or imported.
   */
  via?: "connect";
}

export const bindingKey = (provider: string, uid: string) => [
  "bindings",
  provider,
  uid,
];
export const bindingByUserKey = (userId: string, provider: string) => [
  "bindings_by_user",
  userId,
  provider,
];

/** The binding of `provider`'s `uid`, with its entry for a write that relies on it. */
export async function findBinding(
  kv: Deno.Kv,
  provider: string,
  uid: string,
) {
  const entry = await kv.get<Binding>(bindingKey(provider, uid));
  return { binding: entry.value, check: entry } as const;
}

/** The user's binding of each provider, by provider id. */
export async function findBindingsOfUser(
  kv: Deno.Kv,
  userId: string,
): Promise<Map<string, Binding>> {
  const bindings = new Map<string, Binding>();
  for (const entry of await bindingEntriesOfUser(kv, userId)) {
    const binding = entry.value as Binding;
    if (entry.key[0] === "bindings") bindings.set(binding.provider, binding);
  }
  return bindings;
}

/**
 * Every entry of the user's bindings, the by-user index and the bindings that point back at the user,
 * for a write that removes them all (checking each).
 */
export async function bindingEntriesOfUser(
  kv: Deno.Kv,
  userId: string,
): Promise<Deno.KvEntry<unknown>[]> {
  const entries: Deno.KvEntry<unknown>[] = [];
  const prefix = bindingByUserKey(userId, "").slice(0, -1);
  for await (const index of kv.list<string>({ prefix })) {
    entries.push(index);
    const provider = String(index.key[2]);
    const binding = await kv.get<Binding>(bindingKey(provider, index.value));
    // Only the binding that points back at this user is the user's.
    if (binding.value?.userId === userId) {
      entries.push(binding as Deno.KvEntry<Binding>);
    }
  }
  return entries;
}

/**
 * What stops `provider`'s `uid` binding to `userId`: the identity is bound (to this user or another), or
 * the user has another identity of that provider. One read of the two keys that `bindIn` checks.
 */
export async function findBindConflict(
  kv: Deno.Kv,
  provider: string,
  uid: string,
  userId: string,
): Promise<
  | { kind: "identity_bound"; userId: string }
  | { kind: "account_bound" }
  | null
> {
  const [identity, account] = await kv.getMany<[Binding, string]>([
    bindingKey(provider, uid),
    bindingByUserKey(userId, provider),
  ]);
  if (identity.value) {
    return { kind: "identity_bound", userId: identity.value.userId };
  }
  return account.versionstamp !== null ? { kind: "account_bound" } : null;
}

/**
 * Adds `binding` to `op`, which then fails if the identity or the user's slot for it was taken meanwhile.
 * `userIsNew`: `op` creates the user too, so its slot is empty without a check of its own.
 */
export function bindIn(
  op: Deno.AtomicOperation,
  binding: Binding,
  { userIsNew = false } = {},
): Deno.AtomicOperation {
  const key = bindingKey(binding.provider, binding.uid);
  const byUser = bindingByUserKey(binding.userId, binding.provider);
  if (!userIsNew) op.check({ key: byUser, versionstamp: null });
  return op
    .check({ key, versionstamp: null })
    .set(key, binding)
    .set(byUser, binding.uid);
}

/** Removes the user's binding of `provider`; the uid it had, or null when there was none. */
export async function unbind(
  kv: Deno.Kv,
  userId: string,
  provider: string,
): Promise<string | null> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const index = await kv.get<string>(bindingByUserKey(userId, provider));
    if (index.value === null) return null;
    const binding = await kv.get<Binding>(bindingKey(provider, index.value));
    const op = kv.atomic().check(index).delete(index.key);
    // Only the binding that points back at this user is ours to delete.
    if (binding.value?.userId === userId) op.check(binding).delete(binding.key);
    if ((await op.commit()).ok) return index.value;
  }
  throw new Error("unbind: the binding kept changing under us");
}
