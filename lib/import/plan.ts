// What of a Django shop can be imported, decided from the source alone before the store is read: which
// users are skipped (a mobile that is not one, an inactive account), which QQ row an openid or an account
// keeps when the shop has several, and the records the others become. The store decides the rest
// (writer.ts): what someone else already has, and what an earlier run imported.
import type { User } from "@/lib/accounts/users.ts";
import type { Binding } from "@/lib/social/bindings.ts";
import { fieldError, mobileSchema } from "@/lib/forms/rules.ts";
import { importedUserId } from "./ledger.ts";
import type { QqRow, ShopSource, ShopUser } from "./source.ts";

/** Why a user or a QQ row is not imported, as the summary names it, in the order it lists them. */
export const SKIP_REASONS = [
  "bad mobile",
  "inactive",
  "username taken",
  "mobile taken",
  "openid taken",
  "openid on a later row",
  "account has another QQ",
  "user not imported",
  "account deleted",
] as const;
export type SkipReason = typeof SKIP_REASONS[number];

/** A user the source allows to import, with its QQ binding (if it keeps one). */
export interface Candidate {
  djangoId: number;
  user: User;
  binding: Binding | null;
}

export interface SourcePlan {
  candidates: Candidate[];
  /** What the source alone rules out. */
  skipped: Map<SkipReason, number>;
  /** Users in the source, for progress. */
  total: number;
}

export const QQ = "qq";

export function planSource(source: ShopSource): SourcePlan {
  const skipped = new Map<SkipReason, number>();
  const skip = (reason: SkipReason) =>
    skipped.set(reason, (skipped.get(reason) ?? 0) + 1);

  const importable = new Map<number, ShopUser>();
  const usernames = new Set<string>();
  const mobiles = new Set<string>();
  for (const user of [...source.users].sort((a, b) => a.id - b.id)) {
    if (user.mobile === null || fieldError(mobileSchema, user.mobile)) {
      skip("bad mobile");
    } else if (!user.isActive) {
      skip("inactive");
    } else if (usernames.has(user.username)) {
      // Django keeps both unique: only a source not made by it repeats one. The first keeps it.
      skip("username taken");
    } else if (mobiles.has(user.mobile)) {
      skip("mobile taken");
    } else {
      importable.set(user.id, user);
      usernames.add(user.username);
      mobiles.add(user.mobile);
    }
  }

  const byOpenid = latestRows(source.qqRows, (row) => row.openid);
  const byUser = latestRows([...byOpenid.values()], (row) => row.userId);
  for (const row of source.qqRows) {
    if (byOpenid.get(row.openid) !== row) skip("openid on a later row");
    else if (byUser.get(row.userId) !== row) skip("account has another QQ");
    else if (!importable.has(row.userId)) skip("user not imported");
  }

  const candidates = [...importable.values()].map((shopUser): Candidate => {
    const user = importedUser(shopUser);
    const row = byUser.get(shopUser.id);
    return {
      djangoId: shopUser.id,
      user,
      binding: row ? qqBinding(row, user.id) : null,
    };
  });
  return { candidates, skipped, total: source.users.length };
}

/** For each key, the row updated last (the higher id when two were updated at once). */
function latestRows(
  rows: QqRow[],
  keyOf: (row: QqRow) => string | number,
): Map<string | number, QqRow> {
  const latest = new Map<string | number, QqRow>();
  for (const row of rows) {
    const kept = latest.get(keyOf(row));
    if (
      !kept || row.updatedAt > kept.updatedAt ||
      (row.updatedAt === kept.updatedAt && row.id > kept.id)
    ) latest.set(keyOf(row), row);
  }
  return latest;
}

function importedUser(shopUser: ShopUser): User {
  return {
    id: importedUserId(shopUser.id),
    username: shopUser.username,
    mobile: shopUser.mobile!,
    passwordHash: shopUser.password,
    createdAt: shopUser.dateJoined,
    ...(shopUser.lastLogin !== null ? { lastLoginAt: shopUser.lastLogin } : {}),
    importedFrom: { system: "django", id: shopUser.id },
  };
}

function qqBinding(row: QqRow, userId: string): Binding {
  return {
    provider: QQ,
    uid: row.openid,
    userId,
    nickname: null,
    createdAt: row.createdAt,
  };
}
