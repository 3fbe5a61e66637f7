// Which of the Django shop's users were imported, kept after the account itself is gone, so that a
// customer who deleted their account is not brought back by the import run again. An imported user's id
// is made from its Django primary key, so that every run, interrupted or not, writes the same store.
//
// | key                                        | value                     |
// | ------------------------------------------ | ------------------------- |
// | ["imported_users", "django", djangoId]     | the user's id in the app  |
// node:crypto's SHA-256 is native: about 1.7 µs an id here against @noble/hashes' 3.6, for every
// user of a shop. Only the import loads this file, so the app's start-up does not pay for Deno's Node layer.
import { createHash } from "node:crypto";

export const importedUserKey = (djangoId: number) => [
  "imported_users",
  "django",
  djangoId,
];

/**
 * The app's id for the Django user `djangoId`: UUID-shaped, as the app's own ids are, and in the order
 * of Django's keys. An import goes through the users in that order, so that each commit adds its users'
 * rows (and their bindings' rows by user) at the end of their key ranges rather than all over them: a
 * store's B-tree then rewrites a page or two a commit instead of a page for each user (measured on a
 * local store: 100,000 customers in 17 s rather than 30).
 */
export function importedUserId(djangoId: number): string {
  // 48 bits of the Django key (a key past them, beyond any auto-increment's reach, gives hashed bits),
  // then a hash of it: version 8 (RFC 9562's "custom"), variant 10, so that no random (version 4) id the
  // app makes can be one of these.
  const hex = createHash("sha256").update(`meiduo django user ${djangoId}`)
    .digest("hex");
  const key = djangoId < 2 ** 48
    ? djangoId.toString(16).padStart(12, "0")
    : hex.slice(52, 64);
  return [
    key.slice(0, 8),
    key.slice(8, 12),
    "8" + hex.slice(0, 3),
    ((parseInt(hex[3], 16) & 0x3) | 0x8).toString(16) + hex.slice(4, 7),
    hex.slice(7, 19),
  ].join("-");
}

/** What the import knows before reading the batch: the Django ids earlier runs imported (the ledger). */
export interface Known {
  imported: Set<number>;
}

/** The Django users earlier runs imported, read from the ledger in one pass. */
export async function readLedger(kv: Deno.Kv): Promise<Known> {
  const imported = new Set<number>();
  const prefix = importedUserKey(0).slice(0, -1);
  for await (const entry of kv.list({ prefix }, { batchSize: 1000 })) {
    imported.add(entry.key[prefix.length] as number);
  }
  return { imported };
}
