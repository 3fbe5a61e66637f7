// The browser code for islands: bundled on first need in development, or read from the `_fresh/`
// snapshot that `dev.ts build` wrote (then never bundled at run time), and served under
// /_frsh/js/<BUILD_ID>/ with the tags a page needs to load it.
import type { FreshConfig, Manifest } from "./types.ts";
import type { IslandExport } from "./islands.ts";
import type { IslandUse } from "./render_state.ts";
import { getBuildId, setBuildId } from "./build_id.ts";
import { encodeIslandData, htmlSafeJson } from "./serialize.ts";

export const BUNDLE_PREFIX = "/_frsh/js/";
export const ISLAND_DATA_ID = "__frsh_islands";
const BOOT = "boot";

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

export function outDirOf(manifest: Manifest, config: FreshConfig): string {
  return config.build?.outDir ??
    filePath(new URL("./_fresh", manifest.baseUrl));
}

/** Bundles the boot module and every island file together, so they share one Preact. */
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

async function hashFiles(files: Map<string, Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for (
    const [path, contents] of [...files].sort(([a], [b]) => a < b ? -1 : 1)
  ) {
    parts.push(new TextEncoder().encode(path + "\0"), contents);
  }
  const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce(
    (offset, part) => (all.set(part, offset), offset + part.length),
    0,
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** `_fresh/snapshot.json` lists the build id and entries; the files live in `_fresh/js/`. */
export async function writeSnapshot(outDir: string, bundle: Bundle) {
  await Deno.remove(`${outDir}/js`, { recursive: true }).catch(() => {});
  for (const [path, contents] of bundle.files) {
    const target = `${outDir}/js/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
      recursive: true,
    });
    await Deno.writeFile(target, contents);
  }
  const { buildId, entries } = bundle;
  const snapshot = { buildId, entries, files: [...bundle.files.keys()].sort() };
  await Deno.writeTextFile(
    `${outDir}/snapshot.json`,
    JSON.stringify(snapshot, null, 2) + "\n",
  );
}

async function readSnapshot(outDir: string): Promise<Bundle | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${outDir}/snapshot.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const snapshot = JSON.parse(text) as {
    buildId: string;
    entries: Record<string, string>;
    files: string[];
  };
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const path of snapshot.files) {
    files.set(path, await Deno.readFile(`${outDir}/js/${path}`));
  }
  return { buildId: snapshot.buildId, files, entries: snapshot.entries };
}

export class IslandBundles {
  #manifest: Manifest;
  #keyOfUrl: Map<string, string>;
  #bundle: Promise<Bundle> | null;

  private constructor(
    manifest: Manifest,
    islands: IslandExport[],
    snapshot: Bundle | null,
  ) {
    this.#manifest = manifest;
    this.#keyOfUrl = new Map(
      islands.map((island) => [island.fileUrl, island.file]),
    );
    this.#bundle = snapshot && Promise.resolve(snapshot);
  }

  static async load(
    manifest: Manifest,
    islands: IslandExport[],
    config: FreshConfig,
  ) {
    const snapshot = await readSnapshot(outDirOf(manifest, config));
    if (snapshot) setBuildId(snapshot.buildId);
    return new IslandBundles(manifest, islands, snapshot);
  }

  #ready(): Promise<Bundle> {
    return this.#bundle ??= bundleIslands(this.#manifest).catch((error) => {
      this.#bundle = null; // let a later request try again
      throw error;
    });
  }

  /** The file a `/_frsh/js/...` path asks for, or null for other paths. */
  match(pathname: string): string | null {
    return pathname.startsWith(BUNDLE_PREFIX)
      ? pathname.slice(BUNDLE_PREFIX.length)
      : null;
  }

  async serve(request: string): Promise<Response> {
    const prefix = getBuildId() + "/";
    const path = request.startsWith(prefix)
      ? request.slice(prefix.length)
      : null;
    const contents = path && (await this.#ready()).files.get(path);
    if (!contents) return new Response("Not Found", { status: 404 });
    return new Response(contents, {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
      },
    });
  }

  /** Preloads and the boot module for `<head>`, and the island data for the end of `<body>`. */
  async tags(used: IslandUse[]): Promise<{ head: string; body: string }> {
    const bundle = await this.#ready();
    const base = BUNDLE_PREFIX + getBuildId() + "/";
    const islands = used.map((use) => {
      const key = this.#keyOfUrl.get(use.fileUrl);
      const path = key && bundle.entries[key];
      if (!path) {
        throw new Error(`Island ${use.fileUrl} is not in this app's bundle`);
      }
      return {
        chunk: base + path,
        exportName: use.exportName,
        props: use.props,
        name: `${key}#${use.exportName}`,
      };
    });
    const roots = [
      bundle.entries[BOOT],
      ...islands.map((i) => i.chunk.slice(base.length)),
    ];
    const preloads = [...staticImports(bundle, roots)].map((path) =>
      `<link rel="modulepreload" href="${escapeAttr(base + path)}">`
    ).join("");
    const boot = `<script type="module" src="${
      escapeAttr(base + bundle.entries[BOOT])
    }"></script>`;
    const data = htmlSafeJson(encodeIslandData(getBuildId(), islands));
    return {
      head: preloads + boot,
      body:
        `<script type="application/json" id="${ISLAND_DATA_ID}">${data}</script>`,
    };
  }
}

/** `roots` and every chunk they import statically, found in esbuild's `from"./x.js"` output. */
function staticImports(bundle: Bundle, roots: string[]): Set<string> {
  const found = new Set<string>();
  const visit = (path: string) => {
    if (found.has(path) || !bundle.files.has(path)) return;
    found.add(path);
    const code = new TextDecoder().decode(bundle.files.get(path));
    for (
      const [, specifier] of code.matchAll(
        /(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g,
      )
    ) {
      visit(new URL(specifier, "file:///" + path).pathname.slice(1));
    }
  };
  roots.forEach(visit);
  return found;
}

function escapeAttr(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll(
    "<",
    "&lt;",
  );
}
