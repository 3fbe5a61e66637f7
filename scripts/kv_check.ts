// Checks a KV's users, indexes, sessions and provider bindings point at each other, for operators:
//
//   deno task kv:check [path]      path, else DENO_KV_PATH, else Deno's default KV
//
// Prints the counts and each problem on its own line, then the most memory it took; exits 1 when there
// is a problem, 2 when the KV cannot be opened. It reads the store a window at a time, so a million
// accounts take no more memory than a hundred. It writes nothing, but on a live server's file a bind
// landing between its reads can show as a passing problem: stop the server, or run it again.
import { checkInvariants } from "@/lib/app/invariants.ts";
import { openKvForCommand, progressReporter } from "./_kv_cli.ts";

const { kv, name } = await openKvForCommand(
  "kv:check",
  Deno.args[0] ?? (Deno.env.get("DENO_KV_PATH") || undefined),
);
const { ok, problems, more, counts } = await checkInvariants(kv, {
  onProgress: progressReporter("kv:check"),
});
kv.close();

console.log(`KV: ${name}`);
for (const [name, count] of Object.entries(counts)) {
  console.log(`${name}: ${count}`);
}
if (ok) {
  console.log("OK: every index and binding points where it should");
} else {
  console.log(`PROBLEMS: ${problems.length + (more ?? 0)}`);
  for (const problem of problems) console.log(problem);
  if (more) console.log(`… and ${more} more`);
}
console.log(`peak memory: ${(peakRss() / 2 ** 20).toFixed(0)} MiB`);
Deno.exit(ok ? 0 : 1);

/** The most resident memory the process had (Linux's VmHWM), else what it has now. */
function peakRss(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kib = status.match(/^VmHWM:\s+(\d+) kB/m)?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // Not Linux: no high-water mark to read.
  }
  return Deno.memoryUsage().rss;
}
