// `deno task kv:restore FILE [--force]`: the rows of a kv:backup file into the store (DENO_KV_PATH, a file
// or a KV Connect URL with DENO_KV_ACCESS_TOKEN). It refuses a store that has rows unless --force, and
// a malformed file before writing anything. Exit 0; 1 refused; 2 unreadable file or store.
import { BackupError, isEmptyKv, restoreKv } from "@/lib/kv/backup.ts";
import { fail, openKvForCommand, progressReporter } from "./_kv_cli.ts";

const force = Deno.args.includes("--force");
const [file] = Deno.args.filter((arg) => arg !== "--force");
if (!file) fail("kv:restore", "usage: deno task kv:restore FILE [--force]");
try {
  await Deno.stat(file);
} catch {
  fail("kv:restore", `cannot read ${file}`);
}

const { kv, name } = await openKvForCommand("kv:restore", undefined, {
  create: true,
});
if (!force && !(await isEmptyKv(kv))) {
  kv.close();
  fail(
    "kv:restore",
    `${name} has rows: restore into an empty store, or add --force`,
    1,
  );
}

async function* lines(): AsyncIterable<string> {
  const stream = (await Deno.open(file)).readable.pipeThrough(
    new TextDecoderStream(),
  );
  let rest = "";
  for await (const chunk of stream) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

try {
  const rows = await restoreKv(kv, lines, progressReporter("kv:restore"));
  console.error(`kv:restore: ${rows} rows into ${name}`);
} catch (error) {
  if (error instanceof BackupError) {
    fail("kv:restore", `${file}: ${error.message}; nothing written`);
  }
  throw error;
} finally {
  kv.close();
}
