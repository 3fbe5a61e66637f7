// Checks a KV's users, indexes, sessions and provider bindings point at each other, for operators:
//
//   deno task kv:check [path]      path, else DENO_KV_PATH, else Deno's default KV
//
// Prints the counts and each problem on its own line; exits 1 when there is a problem, 2 when the KV
// cannot be opened. It writes nothing, but on a live server's file a bind landing between its reads can
// show as a passing problem: stop the server, or run it again.
import { checkInvariants } from "@/lib/app/invariants.ts";
import { openKvForCommand } from "./_kv_cli.ts";

const { kv, name } = await openKvForCommand(
  "kv:check",
  Deno.args[0] ?? (Deno.env.get("DENO_KV_PATH") || undefined),
);
const { ok, problems, counts } = await checkInvariants(kv);
kv.close();

console.log(`KV: ${name}`);
for (const [name, count] of Object.entries(counts)) {
  console.log(`${name}: ${count}`);
}
if (ok) {
  console.log("OK: every index and binding points where it should");
} else {
  console.log(`PROBLEMS: ${problems.length}`);
  for (const problem of problems) console.log(problem);
}
Deno.exit(ok ? 0 : 1);
