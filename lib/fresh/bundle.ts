// Bundles the boot module and every island file in one pass with Deno's bundler, so all chunks
// share one copy of Preact. Nothing is written here; the caller keeps the files in memory or on disk.
import type { Manifest } from "./types.ts";

export const BOOT = "boot";

export interface Bundle {
  buildId: string;
  /** Output path (relative, e.g. `islands/Counter.js`) → contents. */
  files: Map<string, Uint8Array<ArrayBuffer>>;
  /** `boot` or an island's manifest key → its output path. */
  entries: Record<string, string>;
}

export function filePath(url: URL): string {
  return decodeURIComponent(url.pathname);
}

export async function bundleIslands(manifest: Manifest): Promise<Bundle> {
  const sources: Record<string, string> = {
    [BOOT]: filePath(new URL("./boot.ts", import.meta.url)),
  };
  for (const key of Object.keys(manifest.islands)) {
    sources[key] = filePath(new URL(key, manifest.baseUrl));
  }
  const outputDir = "/_frsh_bundle"; // nothing is written; it only names the outputs
  const result = await Deno.bundle({
    entrypoints: Object.values(sources),
    outputDir,
    platform: "browser",
    format: "esm",
    codeSplitting: true,
    minify: true,
    write: false,
  });
  if (!result.success) {
    const errors = result.errors.map((e) => e.text).join("\n");
    throw new Error(`Bundling the islands failed:\n${errors}`);
  }
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const output of result.outputFiles ?? []) {
    files.set(output.path.slice(outputDir.length + 1), output.contents!);
  }
  // Outputs keep their paths relative to the entrypoints' common folder, as esbuild does.
  const common = commonFolder(Object.values(sources));
  const entries = Object.fromEntries(
    Object.entries(sources).map((
      [key, path],
    ) => [key, path.slice(common.length).replace(/\.[jt]sx?$/, ".js")]),
  );
  for (const path of Object.values(entries)) {
    if (!files.has(path)) throw new Error(`The bundler wrote no ${path}`);
  }
  const buildId = Deno.env.get("DENO_DEPLOYMENT_ID") ?? await hashFiles(files);
  return { buildId, files, entries };
}

function commonFolder(paths: string[]): string {
  let common = paths[0].slice(0, paths[0].lastIndexOf("/") + 1);
  while (!paths.every((path) => path.startsWith(common))) {
    common = common.slice(0, common.slice(0, -1).lastIndexOf("/") + 1);
  }
  return common;
}

async function hashFiles(files: Map<string, Uint8Array<ArrayBuffer>>) {
  const sorted = [...files].sort(([a], [b]) => a < b ? -1 : 1);
  const all = await new Blob(sorted.flat()).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
