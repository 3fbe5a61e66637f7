// Seeded stores for the "at a million accounts" figures. A million accounts take minutes to write on
// this machine, so the store is seeded once into a folder under the temporary directory and reused by
// later runs (each run works on a copy of it); it is seeded again when bench/_seed_store.ts changes or
// it is a week old (its sessions expire after 14 days).
import { contentHash } from "../lib/fresh/server/static.ts";
import { type SeedProgress, seedStore } from "./_seed_store.ts";

const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const STORE = "store.kv";

export interface SeededStore {
  /** The pristine file: copy it before running anything that writes. */
  path: string;
  accounts: number;
  rows: number;
  /** How long seeding took, when it was done (this run or an earlier one). */
  seedSeconds: number;
  seededAt: string;
  /** The file's size after seeding, write-ahead log included. */
  bytes: number;
  /** Whether this run seeded it. */
  seededNow: boolean;
}

/** The store of `accounts` accounts, seeded now if there is none to reuse. */
export async function seededStore(
  accounts: number,
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeededStore> {
  const seeder = await Deno.readFile(
    new URL("./_seed_store.ts", import.meta.url),
  );
  const version = await contentHash(seeder, 6);
  const dir = `${tempRoot()}/meiduo-bench-stores/${accounts}-${version}`;
  const metaPath = `${dir}/seeded.json`;
  const meta: Omit<SeededStore, "path" | "seededNow"> | null = await Deno
    .readTextFile(metaPath).then(JSON.parse, () => null);
  if (meta && Date.now() - Date.parse(meta.seededAt) < MAX_AGE_MS) {
    return { ...meta, path: `${dir}/${STORE}`, seededNow: false };
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const started = performance.now();
  const rows = await seedStore(`${dir}/${STORE}`, accounts, onProgress);
  const seeded = {
    accounts,
    rows,
    seedSeconds: Math.round((performance.now() - started) / 1000),
    seededAt: new Date().toISOString(),
    bytes: await storeBytes(`${dir}/${STORE}`),
  };
  await Deno.writeTextFile(metaPath, JSON.stringify(seeded, null, 2));
  return { ...seeded, path: `${dir}/${STORE}`, seededNow: true };
}

/** A working copy of `store` in `dir`, for servers that write to it. */
export async function copyStore(store: string, dir: string): Promise<string> {
  const copy = `${dir}/${STORE}`;
  await Deno.copyFile(store, copy);
  await Deno.copyFile(store + "-wal", copy + "-wal").catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  return copy;
}

/** The bytes of a KV file and its write-ahead log. */
export async function storeBytes(path: string): Promise<number> {
  let bytes = 0;
  for (const suffix of ["", "-wal"]) {
    bytes += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  return bytes;
}

function tempRoot(): string {
  return (Deno.env.get("TMPDIR") || "/tmp").replace(/\/$/, "");
}
