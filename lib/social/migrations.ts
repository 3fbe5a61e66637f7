// 0.1's QQ bindings, moved in place to the provider-keyed layout of bindings.ts at start-up. Each binding
// moves in one atomic write that checks the old rows are unchanged and the new ones free, so running it
// again, or in two processes at once, moves nothing twice and loses nothing.
//
// | 0.1 key                          | value     | becomes                             |
// | -------------------------------- | --------- | ----------------------------------- |
// | ["qq_bindings", openid]          | QqBinding | ["bindings", "qq", openid]          |
// | ["qq_bindings_by_user", userId]  | openid    | ["bindings_by_user", userId, "qq"]  |
//
// A row that can't move (its index points elsewhere, or the new place is taken) is left where it is
// for `deno task kv:check` to report.
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { type Binding, bindingByUserKey, bindingKey } from "./bindings.ts";

/** 0.1's key builders, kept only to read what 0.1 wrote. */
export const legacyQqBindingKey = (openid: string) => ["qq_bindings", openid];
export const legacyQqByUserKey = (userId: string) => [
  "qq_bindings_by_user",
  userId,
];

interface LegacyQqBinding {
  openid: string;
  userId: string;
  nickname: string | null;
  createdAt: number;
}

/** Moves every 0.1 QQ binding to the new layout; returns how many moved. */
export async function migrateLegacyQqBindings(kv: Deno.Kv): Promise<number> {
  let moved = 0;
  const prefix = legacyQqBindingKey("").slice(0, -1);
  for await (const entry of kv.list<LegacyQqBinding>({ prefix })) {
    if (await moveBinding(kv, entry)) moved++;
  }
  if (moved > 0) {
    console.log(JSON.stringify({ event: "migrated_qq_bindings", moved }));
  }
  return moved;
}

async function moveBinding(
  kv: Deno.Kv,
  listed: Deno.KvEntry<LegacyQqBinding>,
): Promise<boolean> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const old = await kv.get<LegacyQqBinding>(listed.key);
    const legacy = old.value;
    if (!legacy) return false; // moved meanwhile
    const openid = String(old.key[1]);
    if (typeof legacy.userId !== "string" || legacy.openid !== openid) {
      return false;
    }
    const index = await kv.get<string>(legacyQqByUserKey(legacy.userId));
    if (index.value !== openid) return false;
    const binding: Binding = {
      provider: "qq",
      uid: openid,
      userId: legacy.userId,
      nickname: legacy.nickname ?? null,
      createdAt: legacy.createdAt,
    };
    const key = bindingKey("qq", openid);
    const byUser = bindingByUserKey(legacy.userId, "qq");
    const { ok } = await kv.atomic()
      .check(old, index)
      .check({ key, versionstamp: null }, { key: byUser, versionstamp: null })
      .set(key, binding)
      .set(byUser, openid)
      .delete(old.key)
      .delete(index.key)
      .commit();
    if (ok) return true;
    // Lost to a concurrent move, or the new place is taken: read again, and stop if so.
    const [taken, takenByUser] = await kv.getMany([key, byUser]);
    if (taken.versionstamp !== null || takenByUser.versionstamp !== null) {
      return false;
    }
  }
  return false;
}
