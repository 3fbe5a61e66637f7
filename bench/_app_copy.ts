// A private copy of the working tree to build and run. `dev.ts build` writes `_fresh/`, and a server
// that finds `_fresh/` serves it instead of bundling: built in the shared tree, it would hand other
// people's test servers a stale bundle after they change an island.

const ROOT = new URL("../", import.meta.url).pathname;
const SKIP = new Set([".git", "_fresh", "node_modules", "bench", "docs"]);
const DATA = /\.kv(-shm|-wal)?$/;

/** Copies the app's files into a new temporary folder, returns its path. */
export async function copyApp(): Promise<string> {
  const target = await Deno.makeTempDir({ prefix: "bench-app-" });
  try {
    await copyFolder(ROOT, target);
  } catch (error) {
    await Deno.remove(target, { recursive: true });
    throw error;
  }
  return target;
}

async function copyFolder(from: string, to: string) {
  for await (const entry of Deno.readDir(from)) {
    if (SKIP.has(entry.name) || DATA.test(entry.name)) continue;
    const source = `${from}/${entry.name}`;
    if (entry.isDirectory) {
      await Deno.mkdir(`${to}/${entry.name}`);
      await copyFolder(source, `${to}/${entry.name}`);
    } else if (entry.isFile) {
      await Deno.copyFile(source, `${to}/${entry.name}`);
    }
  }
}

/** `deno run -A dev.ts build` in `appDir`; returns how long it took, in ms. */
export async function buildApp(appDir: string): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "dev.ts", "build"],
    cwd: appDir,
    env: { NO_COLOR: "1", SECRET_KEY: "x".repeat(32) },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `deno run -A dev.ts build failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  return performance.now() - started;
}
