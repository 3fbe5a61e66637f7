// Checks a KV's users, indexes, sessions and provider bindings point at each other, for operators:
//
//   deno task kv:check [path]      path, else DENO_KV_PATH, else Deno's default KV
//
// Prints the counts and each problem on its own line; exits 1 when there is a problem, 2 when the KV
// cannot be opened. It writes nothing, but on a live server's file a bind landing between its reads can
// show as a passing problem: stop the server, or run it again.
import { checkInvariants } from "@/lib/app/invariants.ts";

const path = Deno.args[0] ?? Deno.env.get("DENO_KV_PATH") ?? undefined;

// Deno.openKv creates a missing file: a mistyped path would otherwise "pass" as an empty KV.
if (path && isLocalFile(path) && !(await exists(path))) {
  console.error(`kv:check: no KV file at ${path}`);
  Deno.exit(2);
}

let kv: Deno.Kv;
try {
  kv = await Deno.openKv(path);
} catch (error) {
  console.error(`kv:check: cannot open ${path ?? "the default KV"}: ${error}`);
  Deno.exit(2);
}

const { ok, problems, counts } = await checkInvariants(kv);
kv.close();

console.log(`KV: ${path ?? "Deno's default"}`);
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

function isLocalFile(path: string): boolean {
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
