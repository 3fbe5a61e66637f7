// How the operators' commands (kv:check, kv:backup, kv:restore, admin) open the store the app uses:
// the path given, else DENO_KV_PATH (a file, or a KV Connect URL read with DENO_KV_ACCESS_TOKEN, as
// Deno Deploy's KV is reached from outside), else Deno's default. A file is shared with a running
// app as deno task serve's isolates share it: writes wait out another connection's lock.
import { openSharedKv } from "@/lib/kv/shared_kv.ts";

export interface OpenedKv {
  kv: Deno.Kv;
  /** What to call it in a message: the path, or "Deno's default KV". */
  name: string;
}

/** The store for `command`; a missing local file or an unopenable store ends the process with exit 2. */
export async function openKvForCommand(
  command: string,
  path = Deno.env.get("DENO_KV_PATH") || undefined,
  { create = false } = {},
): Promise<OpenedKv> {
  const name = path ?? "Deno's default KV";
  // Deno.openKv creates a missing file: a mistyped path would otherwise pass as an empty store.
  if (path && isLocalFile(path) && !create && !(await exists(path))) {
    fail(command, `no KV file at ${path}`);
  }
  if (
    path && /^https?:\/\//.test(path) && !Deno.env.get("DENO_KV_ACCESS_TOKEN")
  ) {
    fail(
      command,
      `DENO_KV_ACCESS_TOKEN is needed to reach ${new URL(path).origin}`,
    );
  }
  try {
    return { kv: await openSharedKv(path), name };
  } catch (error) {
    fail(command, `cannot open ${name}: ${(error as Error).message}`);
  }
}

export function fail(command: string, message: string, code = 2): never {
  console.error(`${command}: ${message}`);
  Deno.exit(code);
}

export function isLocalFile(path: string): boolean {
  return path !== ":memory:" && !/^https?:\/\//.test(path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A progress line on stderr: rewritten in place on a terminal, one line at most every 2 s otherwise. */
export function progressReporter(
  label: string,
  now: () => number = Date.now,
): (count: number) => void {
  const terminal = Deno.stderr.isTerminal();
  let last = 0;
  return (count) => {
    const time = now();
    if (!terminal && time - last < 2000) return;
    last = time;
    const text = `${label}: ${count.toLocaleString("en")} rows`;
    Deno.stderr.writeSync(
      new TextEncoder().encode(terminal ? `\r${text}` : `${text}\n`),
    );
  };
}
