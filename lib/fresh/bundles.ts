// Island bundles: made by Deno's bundler in one pass (code splitting, so all chunks share one copy
// of Preact) and kept in memory, or read from the `_fresh/snapshot.json` that `dev.ts build`
// wrote. Served under /_frsh/js/<BUILD_ID>/ with the tags a page needs to load its islands.
import type { FreshConfig, Manifest } from "./types.ts";
import { getBuildId, type IslandUse, setBuildId } from "./runtime.ts";
import { islandDataJson } from "./serialize.ts";
import { contentHash } from "./static.ts";

export const BUNDLE_PREFIX = "/_frsh/js/";
const BOOT = "boot";

export interface Bundle {
  buildId: string;
  /** Output path (e.g. `islands/Counter.js`) → code. */
  files: Record<string, string>;
  /** `boot` or an island's manifest key → its output path. */
  entries: Record<string, string>;
}

export type IslandBundles = Awaited<ReturnType<typeof islandBundles>>;

export async function islandBundles(manifest: Manifest, config: FreshConfig) {
  const snapshot = await readSnapshot(snapshotPath(manifest, config));
  if (snapshot) setBuildId(snapshot.buildId);
  let made: Promise<Bundle> | null = snapshot && Promise.resolve(snapshot);
  // In development the bundle is made on first need; a failed one is tried again next time.
  const bundle = () =>
    made ??= bundleIslands(manifest).catch((error) => {
      made = null;
      throw error;
    });
  const heads = new Map<string, string>();

  return {
    /** Answers `/_frsh/js/<BUILD_ID>/<file>`; another build's files are gone. */
    async serve(pathname: string): Promise<Response> {
      const prefix = BUNDLE_PREFIX + getBuildId() + "/";
      const path = pathname.startsWith(prefix) && pathname.slice(prefix.length);
      const { files } = await bundle();
      if (!path || !Object.hasOwn(files, path)) {
        return new Response("Not Found", { status: 404 });
      }
      return new Response(files[path], {
        headers: {
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "public, max-age=31536000, immutable",
        },
      });
    },

    /** Preloads and the boot module for `<head>`, the island data for the end of `<body>`. */
    async tags(used: IslandUse[]): Promise<{ head: string; body: string }> {
      const { files, entries } = await bundle();
      const base = BUNDLE_PREFIX + getBuildId() + "/";
      const chunks = used.map(({ file }) => {
        if (!entries[file]) throw new Error(`Island ${file} is not bundled`);
        return entries[file];
      });
      const roots = [entries[BOOT], ...chunks];
      const key = roots.join(" ");
      if (!heads.has(key)) {
        const preloads = [...withImports(files, roots)].map((path) =>
          `<link rel="modulepreload" href="${escapeAttr(base + path)}">`
        );
        const boot = escapeAttr(base + entries[BOOT]);
        heads.set(
          key,
          preloads.join("") + `<script type="module" src="${boot}"></script>`,
        );
      }
      const data = islandDataJson({
        buildId: getBuildId(),
        islands: used.map(({ exportName, props }, i) => ({
          chunk: base + chunks[i],
          exportName,
          props,
        })),
      });
      return {
        head: heads.get(key)!,
        body:
          `<script type="application/json" id="__frsh_islands">${data}</script>`,
      };
    },
  };
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
  const files = Object.fromEntries((result.outputFiles ?? []).map((file) => [
    file.path.slice(outputDir.length + 1),
    file.text(),
  ]));
  // Outputs keep their paths relative to the entrypoints' common folder, as esbuild does.
  let common = sources[BOOT].replace(/[^/]*$/, "");
  while (!Object.values(sources).every((path) => path.startsWith(common))) {
    common = common.replace(/[^/]*\/$/, "");
  }
  const entries: Record<string, string> = {};
  for (const [key, path] of Object.entries(sources)) {
    entries[key] = path.slice(common.length).replace(/\.[jt]sx?$/, ".js");
    if (!(entries[key] in files)) throw new Error(`No bundle for ${path}`);
  }
  const everything = JSON.stringify(Object.entries(files).sort());
  const buildId = await contentHash(new TextEncoder().encode(everything), 8);
  return { buildId, files, entries };
}

export function snapshotPath(manifest: Manifest, config: FreshConfig) {
  const outDir = config.build?.outDir ??
    filePath(new URL("./_fresh", manifest.baseUrl));
  return `${outDir}/snapshot.json`;
}

async function readSnapshot(path: string): Promise<Bundle | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

export function filePath(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** `roots` and every chunk they import statically (esbuild writes `from"./x.js"`). */
function withImports(files: Bundle["files"], roots: string[]): Set<string> {
  const found = new Set<string>();
  const visit = (path: string) => {
    if (found.has(path) || !Object.hasOwn(files, path)) return;
    found.add(path);
    const imports = files[path].matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+)"/g);
    for (const [, specifier] of imports) {
      visit(new URL(specifier, "file:///" + path).pathname.slice(1));
    }
  };
  roots.forEach(visit);
  return found;
}

function escapeAttr(text: string): string {
  return text.replace(/[&"<]/g, (char) => `&#${char.charCodeAt(0)};`);
}
