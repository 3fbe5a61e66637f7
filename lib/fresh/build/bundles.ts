// Island bundles: made by Deno's bundler in one pass (code splitting, so all chunks share one copy
// of Preact) and kept in memory, or read from the `_fresh/snapshot.json` that `dev.ts build`
// wrote. Served under /_frsh/js/<BUILD_ID>/ with the tags a page needs to load its islands.
import type { FreshConfig, Manifest } from "../server/types.ts";
import { getBuildId, type IslandUse } from "../runtime.ts";
import { adoptSnapshotBuildId } from "../server/build_id.ts";
import { carriesSignals, islandDataJson } from "../runtime/serialize.ts";
import { contentHash } from "../server/static.ts";
import { bundleForBrowser, filePath } from "./bundler.ts";

export { filePath };
import {
  type Bytes,
  chooseVariant,
  compressedFiles,
  notModified,
  type Variants,
} from "../server/compression.ts";

export const BUNDLE_PREFIX = "/_frsh/js/";
const BOOT = "boot";

export interface Bundle {
  buildId: string;
  /** Output path (e.g. `islands/Counter.js`) → code. */
  files: Record<string, string>;
  /** `boot` or an island's manifest key → its output path, then every chunk that one imports. */
  entries: Record<string, string[]>;
  /**
   * The manifest keys of one or two kinds of island, sorted and joined by newlines (`pageKey`) → their
   * page bundle: those islands with Preact and the hydration in one file of its own, for the many
   * pages that have one kind of island, or a form beside the provider buttons (one file compresses
   * smaller than the several of the split bundle). Pages with three kinds or more load the split bundle.
   */
  pages?: Record<string, string>;
}

interface EncodedFile {
  bytes: Bytes;
  etag: string;
  variants: Variants;
}

export async function islandBundles(manifest: Manifest, config: FreshConfig) {
  const snapshot: Bundle | null = await Deno.readTextFile(
    snapshotPath(manifest, config),
  ).then(JSON.parse, (error) => {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  });
  if (snapshot) adoptSnapshotBuildId(snapshot.buildId);
  let made = snapshot && Promise.resolve(snapshot);
  // In development the bundle is made on first need; a failed one is tried again next time.
  const bundle = () =>
    made ??= bundleIslands(manifest).catch((error) => {
      made = null;
      throw error;
    });

  const compressed = compressedFiles(compressedDir(manifest, config));
  const preloadsOf = new Map<string, string>();
  // Each file's bytes, ETag and variants, made at its first request.
  const encoded: Record<string, Promise<EncodedFile>> = {};
  const encode = async (code: string): Promise<EncodedFile> => {
    const bytes = new TextEncoder().encode(code);
    const hash = await contentHash(bytes, 16);
    return {
      bytes,
      etag: `"${hash}"`,
      variants: await compressed.variants(hash, () => bytes),
    };
  };

  return {
    /** Answers `/_frsh/js/<BUILD_ID>/<file>`, brotli'd or gzipped as asked; another build's files are gone. */
    async serve(req: Request, pathname: string): Promise<Response> {
      const prefix = BUNDLE_PREFIX + getBuildId() + "/";
      const path = pathname.startsWith(prefix) && pathname.slice(prefix.length);
      const { files } = await bundle();
      if (!path || !Object.hasOwn(files, path)) {
        return new Response("Not Found", { status: 404 });
      }
      const file = await (encoded[path] ??= encode(files[path]));
      const variant = chooseVariant(req, file.etag, file.variants);
      const headers = new Headers({
        etag: variant.etag,
        "cache-control": "public, max-age=31536000, immutable",
        vary: "Accept-Encoding",
      });
      if (notModified(req, variant.etag)) {
        return new Response(null, { status: 304, headers });
      }
      headers.set("content-type", "text/javascript; charset=utf-8");
      if (variant.coding) headers.set("content-encoding", variant.coding);
      return new Response(variant.body ?? file.bytes, { headers });
    },

    /** Preloads and the boot module (with the page's nonce) for `<head>`, the island data for the end of `<body>`. */
    async tags(
      used: IslandUse[],
      nonce: string,
    ): Promise<{ head: string; body: string }> {
      const { entries, pages } = await bundle();
      const base = BUNDLE_PREFIX + getBuildId() + "/";
      const url = (path: string) => escapeAttr(base + path);
      const chunks = used.map(({ file }) => {
        if (!entries[file]) throw new Error(`Island ${file} is not bundled`);
        return entries[file];
      });
      const data = islandDataJson({
        buildId: getBuildId(),
        islands: used.map(({ exportName, props }, i) => ({
          chunk: base + chunks[i][0],
          exportName,
          props,
        })),
      });
      // A page with one or two kinds of island loads their page bundle and nothing else, unless its
      // props hold signals: the page bundles leave @preact/signals out, and boot.ts loads it.
      const page = carriesSignals(data)
        ? undefined
        : pages?.[pageKey(used.map(({ file }) => file))];
      // The same few sets of islands come back on every page: their preloads are worked out once.
      const key = base + used.map(({ file }) => file).join("\n");
      let preloads = page ? "" : preloadsOf.get(key);
      if (preloads === undefined) {
        preloads = [...new Set([entries[BOOT], ...chunks].flat())].map(
          (path) => `<link rel="modulepreload" href="${url(path)}">`,
        ).join("");
        if (preloadsOf.size < 1000) preloadsOf.set(key, preloads);
      }
      return {
        head: preloads +
          `<script type="module" nonce="${nonce}" src="${
            url(page ?? entries[BOOT][0])
          }"></script>`,
        body:
          `<script type="application/json" id="__frsh_islands">${data}</script>`,
      };
    },
  };
}

export async function bundleIslands(manifest: Manifest): Promise<Bundle> {
  const sources: Record<string, string> = {
    [BOOT]: filePath(new URL("../runtime/boot.ts", import.meta.url)),
  };
  for (const key of Object.keys(manifest.islands)) {
    sources[key] = filePath(new URL(key, manifest.baseUrl));
  }
  const files = Object.fromEntries(
    await bundled("the islands", {
      entrypoints: Object.values(sources),
      codeSplitting: true,
    }),
  );
  // Outputs keep their paths relative to the entrypoints' common folder, as esbuild does.
  let common = sources[BOOT].replace(/[^/]*$/, "");
  while (!Object.values(sources).every((path) => path.startsWith(common))) {
    common = common.replace(/[^/]*\/$/, "");
  }
  const entries: Bundle["entries"] = {};
  for (const [key, source] of Object.entries(sources)) {
    const path = source.slice(common.length).replace(/\.[jt]sx?$/, ".js");
    if (!Object.hasOwn(files, path)) throw new Error(`No bundle for ${source}`);
    entries[key] = [...withImports(files, path)];
  }
  const pages = await bundlePages(manifest, files, entries);
  const everything = JSON.stringify(Object.entries(files).sort());
  const buildId = await contentHash(new TextEncoder().encode(everything), 8);
  return { buildId, files, entries, pages };
}

/** The key of the page bundle for a page with these islands (manifest keys, repeats allowed). */
export const pageKey = (files: string[]) =>
  [...new Set(files)].sort().join("\n");

/**
 * One self-contained bundle for each island and for each pair of islands, written into `files` under
 * `pages/`. Pairs, because a page that shows a form mostly shows the provider buttons beside it; n
 * islands make n(n+1)/2 bundles, which the build writes once.
 */
async function bundlePages(
  manifest: Manifest,
  files: Bundle["files"],
  entries: Bundle["entries"],
) {
  const keys = Object.keys(manifest.islands).sort();
  const sets = keys.flatMap((key, i) => [
    [key],
    ...keys.slice(i + 1).map((other) => [key, other]),
  ]);
  if (sets.length === 0) return {};
  const dir = await Deno.makeTempDir({ prefix: "frsh_pages_" });
  const nameOf = (key: string) =>
    key.replace(/^.*\//, "").replace(/\.[jt]sx?$/, "").replace(/\W+/g, "_");
  try {
    const names = sets.map((set, i) => `${i}_${set.map(nameOf).join("_")}`);
    await Promise.all(
      sets.map((set, i) =>
        Deno.writeTextFile(
          `${dir}/${names[i]}.ts`,
          pageSource(manifest, set, entries),
        )
      ),
    );
    const made = await bundled("the island pages", {
      entrypoints: names.map((name) => `${dir}/${name}.ts`),
      codeSplitting: false,
    });
    const pages: Record<string, string> = {};
    sets.forEach((set, i) => {
      const code = made.get(`${names[i]}.js`);
      if (code === undefined) throw new Error(`No page bundle for ${set}`);
      const path = `pages/${names[i]}.js`;
      pages[pageKey(set)] = path;
      files[path] = code;
    });
    return pages;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A page bundle's entry: its islands, handed to the hydration by the chunk each island's data names. */
function pageSource(
  manifest: Manifest,
  set: string[],
  entries: Bundle["entries"],
): string {
  const imports = set.map((key, i) =>
    `import * as island${i} from ${
      JSON.stringify(new URL(key, manifest.baseUrl).href)
    };`
  );
  const byChunk = set.map((key, i) =>
    `[${JSON.stringify("/" + entries[key][0])}, island${i}]`
  );
  return `${imports.join("\n")}
import { hydrateIslands } from ${
    JSON.stringify(new URL("../runtime/hydrate.ts", import.meta.url).href)
  };
const islands = [${byChunk.join(", ")}];
await hydrateIslands(({ chunk }) =>
  Promise.resolve(islands.find(([path]) => chunk.endsWith(path))![1])
);
`;
}

/** Output path (relative to the bundle) → code, for the browser, minified ESM. */
async function bundled(
  what: string,
  options: Pick<Deno.bundle.Options, "entrypoints" | "codeSplitting">,
): Promise<Map<string, string>> {
  const outputDir = "/_frsh_bundle"; // nothing is written; it only names the outputs
  const result = await bundleForBrowser({
    ...options,
    outputDir,
    platform: "browser",
    format: "esm",
    minify: true,
  });
  if (!result.success) {
    throw new Error(`Bundling ${what} failed:\n${result.errors.join("\n")}`);
  }
  return new Map(result.outputFiles.map((file) => [
    file.path.slice(outputDir.length + 1),
    asUtf8(file.text),
  ]));
}

/**
 * The bundler writes every character past ASCII as `\uXXXX` (esbuild's default charset), six bytes
 * for each Chinese character's three in UTF-8, and `Deno.bundle` has no option for esbuild's
 * `charset: "utf8"`; this undoes it. An escape stands for its character wherever esbuild writes
 * one (strings, templates, regular expressions, identifiers); a backslash that is itself escaped
 * is left alone, as are line and paragraph separators, surrogates, and the byte order mark.
 * Bundles are served as UTF-8 and module scripts are always read as UTF-8.
 */
export function asUtf8(code: string): string {
  return code.replace(
    /(\\+)u([0-9a-fA-F]{4})/g,
    (escape, backslashes: string, hex: string) => {
      const char = parseInt(hex, 16);
      const isEscape = backslashes.length % 2 === 1;
      const plain = char >= 0xa0 && !(char >= 0xd800 && char <= 0xdfff) &&
        char !== 0x2028 && char !== 0x2029 && char !== 0xfeff;
      return isEscape && plain
        ? backslashes.slice(1) + String.fromCharCode(char)
        : escape;
    },
  );
}

/** `path`, then every chunk it imports statically (esbuild writes `from"./x.js"`, `import"./y.js"`). */
function withImports(
  files: Bundle["files"],
  path: string,
  found = new Set<string>(),
): Set<string> {
  if (found.has(path) || !Object.hasOwn(files, path)) return found;
  found.add(path);
  for (const [, imported] of files[path].matchAll(IMPORT)) {
    withImports(
      files,
      new URL(imported, "file:///" + path).pathname.slice(1),
      found,
    );
  }
  return found;
}
const IMPORT = /(?:from|import)\s*"(\.\.?\/[^"]+)"/g;

/** `deno task build`'s folder: `config.build.outDir`, by default `_fresh/` beside the manifest. */
export function outDir(manifest: Manifest, config: FreshConfig) {
  return config.build?.outDir ??
    filePath(new URL("./_fresh", manifest.baseUrl));
}

export function snapshotPath(manifest: Manifest, config: FreshConfig) {
  return `${outDir(manifest, config)}/snapshot.json`;
}

/** Where the build leaves brotli and gzip variants of bundles and static files, by content hash. */
export function compressedDir(manifest: Manifest, config: FreshConfig) {
  return `${outDir(manifest, config)}/compressed`;
}

export function staticDir(manifest: Manifest, config: FreshConfig) {
  return config.staticDir ??
    filePath(new URL("./static/", manifest.baseUrl));
}

function escapeAttr(text: string): string {
  return text.replace(/[&"<]/g, (char) => `&#${char.charCodeAt(0)};`);
}
