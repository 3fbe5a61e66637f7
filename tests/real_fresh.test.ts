// `deno task test:real-fresh` itself: what it asks for when it can't run, and how it reads deno check.
// (Running it needs the bare clones of Fresh and its sources; CI has none, see the README.)
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { sortDiagnostics } from "@/scripts/_real_fresh_check.ts";

const SCRIPT = new URL("../scripts/test_real_fresh.ts", import.meta.url)
  .pathname;

async function runScript(env: Record<string, string>) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("without FRESH_SOURCES it says what it needs and fails, running nothing", async () => {
  const { code, stdout, stderr } = await runScript({ FRESH_SOURCES: "" });
  equal(code, 1);
  equal(stdout, "");
  match(stderr, /^test:real-fresh needs FRESH_SOURCES/);
  for (
    const clone of [
      "denoland/fresh",
      "denoland/std",
      "lucacasonato/esbuild_deno_loader",
      "evanw/esbuild",
    ]
  ) {
    match(
      stderr,
      new RegExp(`git clone --bare https://github.com/${clone}\\n`),
    );
  }
  match(stderr, /Nothing was run\.\n$/);
});

Deno.test("with a FRESH_SOURCES that lacks the clones it names each missing one and fails", async () => {
  const empty = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runScript({ FRESH_SOURCES: empty });
    equal(code, 1);
    equal(stdout, "");
    for (
      const clone of [
        "denoland+fresh",
        "denoland+std",
        "lucacasonato+esbuild_deno_loader",
        "evanw+esbuild",
      ]
    ) {
      ok(
        stderr.includes(`  ${empty}/${clone}/repo (a bare git clone)
`),
        stderr,
      );
    }
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("type errors count only in the app's own files, not in Fresh's, std's or lib/fresh's", () => {
  const app = "/tmp/copy/app";
  const output = `Check main.ts
TS2322 [ERROR]: Type 'Response | Promise<Response>' is not assignable to type 'Promise<Response>'.
  return ctx.renderNotFound();
         ~~~~~~~~~~~~~~~~~~~~
    at file:///tmp/copy/app/routes/dev/_middleware.ts:10:56

TS2339 [ERROR]: Property 'run' does not exist on type 'typeof Deno'.
      Deno.run({ cmd: ["esbuild", "--version"] });
           ~~~
    at file:///tmp/copy/fresh/src/build/esbuild.ts:39:12

TS2694 [ERROR]: Namespace 'Deno' has no exported member 'RequestEvent'.
    at file:///tmp/copy/vendor/std/http/server.ts:249:7

TS2305 [ERROR]: Module has no exported member 'RouteModule'.
    at file:///tmp/copy/app/lib/fresh/x.ts:3:30

Found 4 errors.
`;
  const { ours, others } = sortDiagnostics(output, app);
  deepEqual(ours.map(({ file }) => file), [
    "file:///tmp/copy/app/routes/dev/_middleware.ts",
  ]);
  match(ours[0].text, /^TS2322 \[ERROR\]: Type 'Response/);
  equal(others, 3);
});
