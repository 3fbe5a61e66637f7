// A store as JSON lines and back: `deno task kv:backup` / `kv:restore` (docs/operations.md).
//
// One line a row, in key order: `{"key":[…],"value":…}`. JSON alone would lose what Deno KV keeps, so a
// part that JSON can't hold is written as a one-key object naming its type: {"$bigint":"12"},
// {"$bytes":"<base64>"}, {"$date":"<ISO>"}, {"$u64":"7"}, {"$number":"NaN"|"Infinity"|"-Infinity"|"-0"},
// {"$undefined":true}, {"$map":[[k,v]…]}, {"$set":[…]}, {"$regexp":[source,flags]}, and a plain object
// with a key starting with "$" as {"$object":{…}}. The same store always gives the same bytes, so a
// backup of a restored store is byte for byte the first.
//
// What no backup through the KV API can keep: versionstamps (a restore makes new ones) and expiry
// (Deno KV does not say when a row expires). A restored row lives until something deletes it; the
// app's own records carry their times (a session its last use, a code its expiry) and are judged by them.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` as JSON that keeps its type. */
export function encodeKvValue(value: unknown): Json {
  if (
    value === null || typeof value === "boolean" || typeof value === "string"
  ) {
    return value;
  }
  if (typeof value === "number") {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value === undefined) return { $undefined: true };
  if (value instanceof Uint8Array) return { $bytes: value.toBase64() };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Deno.KvU64) return { $u64: value.value.toString() };
  if (value instanceof Map) {
    return {
      $map: [...value].map(([k, v]) => [encodeKvValue(k), encodeKvValue(v)]),
    };
  }
  if (value instanceof Set) return { $set: [...value].map(encodeKvValue) };
  if (value instanceof RegExp) return { $regexp: [value.source, value.flags] };
  if (Array.isArray(value)) return value.map(encodeKvValue);
  if (typeof value === "object") {
    const fields: { [key: string]: Json } = {};
    for (const [key, field] of Object.entries(value)) {
      fields[key] = encodeKvValue(field);
    }
    return Object.keys(fields).some((key) => key.startsWith("$"))
      ? { $object: fields }
      : fields;
  }
  throw new TypeError(`a ${typeof value} cannot be kept`);
}

/** What encodeKvValue wrote, as it was. */
export function decodeKvValue(json: Json): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map(decodeKvValue);
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0].startsWith("$")) {
    const tagged = json[keys[0]];
    switch (keys[0]) {
      case "$number":
        return tagged === "-0" ? -0 : Number(tagged);
      case "$bigint":
        return BigInt(tagged as string);
      case "$undefined":
        return undefined;
      case "$bytes":
        return Uint8Array.fromBase64(tagged as string);
      case "$date":
        return new Date(tagged as string);
      case "$u64":
        return new Deno.KvU64(BigInt(tagged as string));
      case "$map":
        return new Map(
          (tagged as [Json, Json][]).map((
            [k, v],
          ) => [decodeKvValue(k), decodeKvValue(v)]),
        );
      case "$set":
        return new Set((tagged as Json[]).map(decodeKvValue));
      case "$regexp": {
        const [source, flags] = tagged as [string, string];
        return new RegExp(source, flags);
      }
      case "$object":
        return decodeFields(tagged as { [key: string]: Json });
    }
    throw new BackupError(`unknown type ${keys[0]}`);
  }
  return decodeFields(json);
}

function decodeFields(json: { [key: string]: Json }): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(json)) {
    fields[key] = decodeKvValue(field);
  }
  return fields;
}

/** A backup line that is not one this file writes. */
export class BackupError extends Error {
  override name = "BackupError";
}

/** Writes every row of `kv` as a line to `write`; `progress` hears the count every 10,000 rows. */
export async function backupKv(
  kv: Deno.Kv,
  write: (line: string) => Promise<void>,
  progress: (rows: number) => void = () => {},
): Promise<number> {
  let rows = 0;
  // Batches of 500 keep memory bounded at any size; consistency "eventual" is not used: one snapshot per batch.
  for await (const entry of kv.list({ prefix: [] }, { batchSize: 500 })) {
    await write(backupLine(entry.key, entry.value));
    if (++rows % 10_000 === 0) progress(rows);
  }
  return rows;
}

export function backupLine(key: Deno.KvKey, value: unknown): string {
  return JSON.stringify({
    key: key.map(encodeKvValue),
    value: encodeKvValue(value),
  }) + "\n";
}

/** A backup line's row; throws BackupError when the line is not one. */
export function parseBackupLine(
  line: string,
): { key: Deno.KvKey; value: unknown } {
  let row: { key?: unknown; value?: unknown };
  try {
    row = JSON.parse(line);
  } catch {
    throw new BackupError("a line is not JSON");
  }
  if (
    row === null || typeof row !== "object" || !Array.isArray(row.key) ||
    !("value" in row)
  ) {
    throw new BackupError('a line has no "key" list or no "value"');
  }
  const key = (row.key as Json[]).map(decodeKvValue);
  for (const part of key) {
    if (
      !["string", "number", "bigint", "boolean"].includes(typeof part) &&
      !(part instanceof Uint8Array)
    ) {
      throw new BackupError(
        "a key part is not a string, number, bigint, boolean or bytes",
      );
    }
  }
  return { key: key as Deno.KvKey, value: decodeKvValue(row.value as Json) };
}

/** Whether `kv` holds any row. */
export async function isEmptyKv(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) return false;
  return true;
}

// Deno KV's limits on one commit: 1,000 mutations and 800 KiB; a batch stays well inside both.
const BATCH_ROWS = 500;
const BATCH_BYTES = 512 * 1024;

/**
 * Writes the rows of the backup into `kv`, in batches of atomic writes; `progress` hears the count
 * every 10,000 rows. `lines` is read twice: once to check every line, so that a malformed backup writes
 * nothing, then to write; memory stays bounded at any size.
 */
export async function restoreKv(
  kv: Deno.Kv,
  lines: () => AsyncIterable<string>,
  progress: (rows: number) => void = () => {},
): Promise<number> {
  let number = 0;
  for await (const line of lines()) {
    number++;
    if (!line.trim()) continue;
    try {
      parseBackupLine(line);
    } catch (error) {
      if (error instanceof BackupError) {
        throw new BackupError(`line ${number}: ${error.message}`);
      }
      throw error;
    }
  }
  let written = 0;
  let op = kv.atomic();
  let count = 0;
  let bytes = 0;
  const flush = async () => {
    if (!count) return;
    if (!(await op.commit()).ok) throw new Error("a restore batch was refused");
    const before = written;
    written += count;
    if (Math.floor(written / 10_000) > Math.floor(before / 10_000)) {
      progress(written);
    }
    op = kv.atomic();
    count = 0;
    bytes = 0;
  };
  for await (const line of lines()) {
    if (!line.trim()) continue;
    const { key, value } = parseBackupLine(line);
    if (count === BATCH_ROWS || bytes + line.length > BATCH_BYTES) {
      await flush();
    }
    op.set(key, value);
    count++;
    bytes += line.length;
  }
  await flush();
  return written;
}
