// Which of the Django shop's users were imported, kept after the account itself is gone, so that a
// customer who deleted their account is not brought back by the import run again. An imported user's id
// is made from its Django primary key, so that every run, interrupted or not, writes the same store.
//
// | key                                        | value                     |
// | ------------------------------------------ | ------------------------- |
// | ["imported_users", "django", djangoId]     | the user's id in the app  |
import { sha256Hex } from "@/lib/core/sha256.ts";

export const importedUserKey = (djangoId: number) => [
  "imported_users",
  "django",
  djangoId,
];

/** The app's id for the Django user `djangoId`: UUID-shaped, as the app's own ids are. */
export function importedUserId(djangoId: number): string {
  const hex = sha256Hex(`meiduo django user ${djangoId}`);
  // Version 8 (RFC 9562's "custom"), variant 10: a UUID made from a name rather than at random.
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    "8" + hex.slice(13, 16),
    ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20),
    hex.slice(20, 32),
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
