// The app's own files type-checked against the Fresh a copy is wired to (see _real_fresh_copy.ts).
import { readdir } from "node:fs/promises";

/**
 * `deno check` of the app's own files: everything but lib/fresh/ and tests/fresh/, which are the
 * stand-in runtime's. Fresh 1.7.3 and std 0.216.0 themselves do not type-check on Deno 2 (Deno.run,
 * Deno.ServeTlsOptions), so errors located in their files are counted apart and do not fail the run.
 */
export async function checkAppFiles(app: string): Promise<number> {
  const below = async (folder: string) =>
    (await readdir(`${app}/${folder}`)).filter((name) => name !== "fresh")
      .map((name) => `${folder}/${name}`);
  const targets = [
    "main.ts",
    "dev.ts",
    "fresh.config.ts",
    "fresh.gen.ts",
    "routes",
    "islands",
    "components",
    ...await below("lib"),
    ...await below("tests"),
  ];
  console.log(`\ndeno check ${targets.join(" ")}`);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", ...targets],
    cwd: app,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  const { ours, others } = sortDiagnostics(text, app);
  if (code !== 0 && ours.length + others === 0) {
    console.error(text);
    return 1; // it failed before type checking (resolution, syntax): that is the app's problem too
  }
  for (const { text } of ours) console.error(text);
  console.log(
    `${ours.length} in the app's files; ${others} in Fresh's and std's own (not counted)`,
  );
  return ours.length;
}

/**
 * deno check's `TSnnnn [ERROR]` blocks (as printed with NO_COLOR), split by where the first `at` line
 * points: the app's files below `app` (lib/fresh/ aside), or anything else.
 */
export function sortDiagnostics(output: string, app: string) {
  const found: { file: string; text: string }[] = [];
  let current: { file: string; text: string } | null = null;
  for (const line of output.split("\n")) {
    if (/^TS\d+ \[ERROR\]/.test(line)) {
      current = { file: "", text: line };
      found.push(current);
      continue;
    }
    if (!current) continue;
    current.text += "\n" + line;
    const at = line.match(/^\s+at (file:\/\/\S+?):\d+:\d+$/);
    if (at && !current.file) current.file = at[1];
  }
  const ours = found.filter(({ file }) =>
    file.startsWith(`file://${app}/`) &&
    !file.startsWith(`file://${app}/lib/fresh/`)
  );
  return { ours, others: found.length - ours.length };
}
