// `deno task kv:backup FILE` (or `-` for standard output): every row of the store as JSON lines, types
// kept (lib/kv/backup.ts). The store: DENO_KV_PATH, a file or a KV Connect URL with DENO_KV_ACCESS_TOKEN.
import { backupKv } from "@/lib/kv/backup.ts";
import { fail, openKvForCommand, progressReporter } from "./_kv_cli.ts";

const [file] = Deno.args;
if (!file) {
  fail(
    "kv:backup",
    "usage: deno task kv:backup FILE (or - for standard output)",
    2,
  );
}

const { kv, name } = await openKvForCommand("kv:backup");
const out = file === "-"
  ? Deno.stdout
  : await Deno.open(file, { write: true, create: true, truncate: true });
const encoder = new TextEncoder();
let buffered: string[] = [];
let size = 0;
const flush = async () => {
  const bytes = encoder.encode(buffered.join(""));
  for (let offset = 0; offset < bytes.length;) {
    offset += await out.write(bytes.subarray(offset));
  }
  buffered = [];
  size = 0;
};
const rows = await backupKv(kv, async (line) => {
  buffered.push(line);
  size += line.length;
  if (size > 1 << 20) await flush();
}, progressReporter("kv:backup"));
await flush();
if (out !== Deno.stdout) out.close();
kv.close();
console.error(`kv:backup: ${rows} rows from ${name}`);
