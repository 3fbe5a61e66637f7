// Bindings written by older versions, moved in place to today's layout at start-up. Each binding moves
// in one atomic write that checks the old rows are unchanged and the new ones free, so running it again,
// or in two processes at once, moves nothing twice and loses nothing.
//
// 0.1's QQ bindings, to the provider-keyed layout of bindings.ts (looked for at every start):
//
// | 0.1 key                          | value     | becomes                             |
// | -------------------------------- | --------- | ----------------------------------- |
// | ["qq_bindings", openid]          | QqBinding | ["bindings", "qq", openid]          |
// | ["qq_bindings_by_user", userId]  | openid    | ["bindings_by_user", userId, "qq"]  |
//
// 0.2's WeChat bindings, keyed by a bare unionid or openid, to one space for each (wechatUid); pending
// binds' claims likewise. Done once: the marker is written when nothing is left to move.
//
// | 0.2 key                                   | value   | becomes                                              |
// | ----------------------------------------- | ------- | ---------------------------------------------------- |
// | ["bindings", "wechat", id]                | Binding | ["bindings", "wechat", "unionid:" + id] when its     |
// |                                           |         | unionid is id, else ["bindings", "wechat", "openid:" + id] |
// | ["bindings_by_user", userId, "wechat"]    | id      | the same key, the new uid                            |
// | ["bind_tokens", hash] (provider "wechat") | claims  | the same key, the new uid                            |
// | ["migrations", "wechat_uid_spaces"]       | time    | (the marker)                                         |
//
// A row that can't move (its index points elsewhere, or the new place is taken) is left where it is
// for `deno task kv:check` to report.
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { type Binding, bindingByUserKey, bindingKey } from "./bindings.ts";
import { rewritePendingBinds } from "./bind_tokens.ts";
import { wechatUid } from "./providers/wechat/provider.ts";

/** The row saying a one-off migration has been done. */
export const migrationDoneKey = (name: string) => ["migrations", name];

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

const WECHAT = "wechat";
const WECHAT_DONE = migrationDoneKey("wechat_uid_spaces");

/** A WeChat uid already in its space (a bare WeChat id is `[\w-]`, never with a colon). */
export const isWechatUidSpaced = (uid: string) =>
  /^(unionid|openid):/.test(uid);

/**
 * Moves every WeChat binding keyed by a bare id into the unionid or the openid space, and the pending
 * binds' claims with them; once, then the marker says so. Returns how many bindings this run moved.
 */
export async function separateWechatUidSpaces(
  kv: Deno.Kv,
  now: number,
): Promise<number> {
  if ((await kv.get(WECHAT_DONE)).versionstamp !== null) return 0;
  let moved = 0;
  let left = 0;
  const prefix = bindingKey(WECHAT, "").slice(0, -1);
  for await (const entry of kv.list<Binding>({ prefix })) {
    if (isWechatUidSpaced(String(entry.key[2]))) continue;
    const outcome = await moveWechatBinding(kv, entry.key);
    if (outcome === "moved") moved++;
    if (outcome === "left") left++;
  }
  await rewritePendingBinds(
    kv,
    now,
    (claims) =>
      claims.provider === WECHAT && !isWechatUidSpaced(claims.uid)
        ? { ...claims, uid: spacedUid(claims.uid, claims.unionid) }
        : null,
  );
  if (left === 0) {
    await kv.atomic().check({ key: WECHAT_DONE, versionstamp: null })
      .set(WECHAT_DONE, now).commit();
  }
  if (moved > 0 || left > 0) {
    console.log(
      JSON.stringify({ event: "migrated_wechat_bindings", moved, left }),
    );
  }
  return moved;
}

/** The uid a bare WeChat id becomes: a binding (or claim) whose unionid it is was keyed by the unionid. */
function spacedUid(id: string, unionid: string | undefined): string {
  return unionid === id
    ? wechatUid({ unionid: id })
    : wechatUid({ openid: id });
}

async function moveWechatBinding(
  kv: Deno.Kv,
  key: Deno.KvKey,
): Promise<"moved" | "gone" | "left"> {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const old = await kv.get<Binding>(key);
    const binding = old.value;
    if (!binding) return "gone"; // moved meanwhile, by another process starting
    const id = String(key[2]);
    if (binding.uid !== id || typeof binding.userId !== "string") return "left";
    const index = await kv.get<string>(
      bindingByUserKey(binding.userId, WECHAT),
    );
    if (index.value !== id) return "left";
    const uid = spacedUid(id, binding.unionid);
    const moved = bindingKey(WECHAT, uid);
    const { ok } = await kv.atomic()
      .check(old, index)
      .check({ key: moved, versionstamp: null })
      .set(moved, { ...binding, uid })
      .set(index.key, uid)
      .delete(old.key)
      .commit();
    if (ok) return "moved";
    if ((await kv.get(moved)).versionstamp !== null) {
      // Taken: by this very binding moved by another process (then the old row is gone), or by another.
      return (await kv.get(key)).versionstamp === null ? "gone" : "left";
    }
  }
  return "left";
}
