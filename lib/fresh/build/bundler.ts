// Deno's bundler, made to compile JSX for the browser. With `"jsx": "precompile"` in deno.json the
// server renders static markup from strings made at compile time, which Preact in the browser cannot
// hydrate: islands must be bundled with the automatic runtime, as Fresh 1.x's esbuild build does.
// `Deno.bundle` takes its JSX settings from the config the process started with, so a precompiling
// app's islands are bundled by a child process started with the same config but for the browser's
// JSX. Any other app's are bundled here.

import { type BundleOutcome, outcome } from "./bundle_outcome.ts";

export type { BundledFile, BundleOutcome } from "./bundle_outcome.ts";

/** `Deno.bundle(options)` with JSX compiled for the browser; nothing is written (`write: false`). */
export async function bundleForBrowser(
  options: Deno.bundle.Options,
): Promise<BundleOutcome> {
  const config = await processConfig();
  if (config?.json.compilerOptions?.jsx !== "precompile") {
    return outcome(await Deno.bundle({ ...options, write: false }));
  }
  const dir = await Deno.makeTempDir({ prefix: "frsh_bundler_" });
  try {
    const configPath = `${dir}/deno.json`;
    await Deno.writeTextFile(
      configPath,
      JSON.stringify(browserConfig(config.json, config.url)),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        `--config=${configPath}`,
        filePath(new URL("./bundle_child.ts", import.meta.url)),
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(options)));
    await writer.close();
    const { success, stdout, stderr } = await child.output();
    if (!success) {
      throw new Error(
        `The island bundler stopped:\n${new TextDecoder().decode(stderr)}`,
      );
    }
    return JSON.parse(new TextDecoder().decode(stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface DenoConfig {
  compilerOptions?: { jsx?: string; [option: string]: unknown };
  imports?: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
  lock?: unknown;
  [field: string]: unknown;
}

/** The deno.json `deno task` and `deno run` use: the nearest one from the working folder up. */
async function processConfig(): Promise<
  { json: DenoConfig; url: URL } | null
> {
  let folder = new URL(`file://${Deno.cwd()}/`);
  while (true) {
    const url = new URL("./deno.json", folder);
    try {
      return { json: JSON.parse(await Deno.readTextFile(url)), url };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const parent = new URL("../", folder);
    if (parent.href === folder.href) return null;
    folder = parent;
  }
}

/**
 * `config` for the browser's JSX, written elsewhere: the automatic runtime instead of precompile, and
 * every path in it (the import map's, the lockfile's) made absolute, as they were relative to `url`.
 */
export function browserConfig(config: DenoConfig, url: URL): DenoConfig {
  const absolute = (path: string) =>
    path.startsWith("./") || path.startsWith("../")
      ? new URL(path, url).href
      : path;
  const map = (entries: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(entries).map(([key, value]) => [key, absolute(value)]),
    );
  return {
    ...config,
    compilerOptions: {
      ...withoutPrecompileOptions(config.compilerOptions),
      jsx: "react-jsx",
    },
    ...config.imports && { imports: map(config.imports) },
    ...config.scopes && {
      scopes: Object.fromEntries(
        Object.entries(config.scopes).map((
          [scope, entries],
        ) => [absolute(scope), map(entries)]),
      ),
    },
    // The same pinned versions as the server's: the project's lockfile, read where it is.
    lock: config.lock === false ? false : {
      path: filePath(new URL(lockPath(config.lock), url)),
    },
  };
}

function withoutPrecompileOptions(
  options: DenoConfig["compilerOptions"] = {},
): DenoConfig["compilerOptions"] {
  const { jsxPrecompileSkipElements: _, ...rest } = options;
  return rest;
}

function lockPath(lock: unknown): string {
  if (typeof lock === "string") return lock;
  if (typeof lock === "object" && lock !== null && "path" in lock) {
    return String(lock.path);
  }
  return "./deno.lock";
}

/** A file: URL as a path of this machine. */
export function filePath(url: URL): string {
  return decodeURIComponent(url.pathname);
}
