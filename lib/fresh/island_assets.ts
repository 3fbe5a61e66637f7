// Serves the island bundle under /_frsh/js/<BUILD_ID>/ and writes the tags a page needs to load
// it. In development the bundle is made on first need and kept in memory.
import type { FreshConfig, Manifest } from "./types.ts";
import type { IslandExport } from "./islands.ts";
import type { IslandUse } from "./render_state.ts";
import { getBuildId, setBuildId } from "./build_id.ts";
import { encodeIslandData, htmlSafeJson } from "./serialize.ts";
import { BOOT, type Bundle, bundleIslands } from "./bundle.ts";
import { outDirOf, readSnapshot } from "./snapshot.ts";

export const BUNDLE_PREFIX = "/_frsh/js/";

export class IslandBundles {
  #manifest: Manifest;
  #keyOfUrl: Map<string, string>;
  #bundle: Promise<Bundle> | null;
  #heads = new Map<string, string>();

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

  /** Answers `/_frsh/js/<BUILD_ID>/<file>`; another build's files are gone. */
  async serve(pathname: string): Promise<Response> {
    const prefix = BUNDLE_PREFIX + getBuildId() + "/";
    const path = pathname.startsWith(prefix) && pathname.slice(prefix.length);
    const contents = path && (await this.#ready()).files.get(path);
    if (!contents) return new Response("Not Found", { status: 404 });
    return new Response(contents, {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
      },
    });
  }

  /** The preloads and boot script for pages with these island chunks; the chunk graph is read once per set. */
  #headFor(bundle: Bundle, base: string, roots: string[]): string {
    const key = roots.join(" ");
    let head = this.#heads.get(key);
    if (head === undefined) {
      const preloads = [...staticImports(bundle, roots)].map((path) =>
        `<link rel="modulepreload" href="${escapeAttr(base + path)}">`
      ).join("");
      head = preloads +
        `<script type="module" src="${
          escapeAttr(base + bundle.entries[BOOT])
        }"></script>`;
      this.#heads.set(key, head);
    }
    return head;
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
    const data = htmlSafeJson(encodeIslandData(getBuildId(), islands));
    return {
      head: this.#headFor(bundle, base, roots),
      body:
        `<script type="application/json" id="__frsh_islands">${data}</script>`,
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
  return text.replace(/[&"<]/g, (char) => `&#${char.charCodeAt(0)};`);
}
