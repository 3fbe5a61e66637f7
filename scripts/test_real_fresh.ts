// `deno task test:real-fresh [deno test options]`: the app on real Fresh 1.7.3 instead of lib/fresh/.
// A copy of the working tree is wired to Fresh from the bare clones in FRESH_SOURCES, the app's own files
// are type-checked against it, and the browser stories (tests/e2e/) run against it in Chromium.
// FRESH_COPY=<folder> keeps the copy there (replacing what it held) instead of in a temporary folder.
import { rm } from "node:fs/promises";
import { checkAppFiles } from "./_real_fresh_check.ts";
import {
  FRESH_TAG,
  missingForWiring,
  SOURCES,
  wireRealFresh,
} from "./_real_fresh_copy.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const sources = Deno.env.get("FRESH_SOURCES");
if (!sources) {
  console.error(
    `test:real-fresh needs FRESH_SOURCES, a folder holding bare git clones of:
${
      Object.entries(SOURCES).map(([, path]) => {
        const [owner, name] = path.replace(/\/repo$/, "").split("+");
        return `  $FRESH_SOURCES/${path}   git clone --bare https://github.com/${owner}/${name}`;
      }).join("\n")
    }
and git, tar, npm (it packs esbuild-wasm and esbuild 0.20.2) and node on PATH. Nothing was run.`,
  );
  Deno.exit(1);
}
const missing = await missingForWiring(sources);
if (missing.length > 0) {
  console.error(`test:real-fresh is missing:\n  ${missing.join("\n  ")}`);
  Deno.exit(1);
}

const keptCopy = Deno.env.get("FRESH_COPY");
const dir = keptCopy ?? await Deno.makeTempDir({ prefix: "real_fresh_" });
let passed = false;
try {
  console.log(`Wiring a copy of ${ROOT} to Fresh ${FRESH_TAG} in ${dir}`);
  const app = await wireRealFresh(ROOT, sources, dir);
  const typeErrors = await checkAppFiles(app);
  const e2e = await runE2e(app, Deno.args);
  console.log(
    `\nreal Fresh ${FRESH_TAG}: ${typeErrors} type errors in the app's files; e2e: ${
      e2e.summary ?? "no summary"
    }`,
  );
  passed = typeErrors === 0 && e2e.success;
} finally {
  if (!keptCopy) await rm(dir, { recursive: true, force: true });
}
Deno.exit(passed ? 0 : 1);

/**
 * `deno test -A --no-check tests/e2e/` in the copy, its output shown as it comes; the summary line
 * kept. The app's files, the stories included, were type-checked above; Fresh 1.7.3's own source
 * does not type-check on today's Deno (counted apart there), and a story that reaches one of its
 * types would otherwise stop the run before any browser starts.
 */
async function runE2e(app: string, options: string[]) {
  const args = ["test", "-A", "--no-check", ...options, "tests/e2e/"];
  console.log(`\ndeno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: app,
    env: { NO_COLOR: "1" }, // a summary line to find
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
  }
  const { success } = await child.status;
  // deno test ends with `ok | 3 passed (21 steps) | 0 failed (25s)` or `FAILED | ...`.
  const summary = tail.match(/^(ok|FAILED) \| \d+ passed.*$/gm)?.at(-1);
  return { success, summary };
}
