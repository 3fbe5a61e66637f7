// Files from static/: found by URL path without ever leaving the folder, sent with an ETag,
// and cached for good when the URL carries asset()'s build id.
import { getBuildId } from "./build_id.ts";
import { ASSET_CACHE_BUST_KEY } from "./runtime.ts";

export interface StaticFile {
  path: string;
  size: number;
  mtime: number;
}

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  xml: "application/xml",
  webmanifest: "application/manifest+json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff2: "font/woff2",
  pdf: "application/pdf",
};

export function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

export class StaticFiles {
  #dir: string;
  #index?: Promise<Map<string, StaticFile>>;
  #etags = new Map<string, { version: string; etag: string }>();

  constructor(dir: string | URL) {
    const path = typeof dir === "string"
      ? dir
      : decodeURIComponent(dir.pathname);
    this.#dir = path.endsWith("/") ? path : path + "/";
  }

  /** The file a URL path names, or null; only files found in the folder at start are ever served. */
  async find(pathname: string): Promise<StaticFile | null> {
    const relative = safeRelativePath(pathname);
    if (!relative) return null;
    // Listed once, as Fresh does: a page URL costs a map lookup, not a trip to the file system.
    const index = await (this.#index ??= listFiles(this.#dir));
    return index.get(relative) ?? null;
  }

  async serve(req: Request, url: URL, file: StaticFile): Promise<Response> {
    const etag = await this.#etag(file);
    const immutable =
      url.searchParams.get(ASSET_CACHE_BUST_KEY) === getBuildId();
    const headers = new Headers({
      etag,
      "cache-control": immutable
        ? "public, max-age=31536000, immutable"
        : "no-cache",
    });
    if (matchesEtag(req.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-type", contentType(file.path));
    headers.set("content-length", String(file.size));
    if (req.method === "HEAD") return new Response(null, { headers });
    const opened = await Deno.open(file.path);
    return new Response(opened.readable, { headers });
  }

  /** A hash of the content, computed once per version of the file. */
  async #etag(file: StaticFile): Promise<string> {
    const version = `${file.mtime}:${file.size}`;
    const known = this.#etags.get(file.path);
    if (known?.version === version) return known.etag;
    const digest = await crypto.subtle.digest(
      "SHA-256",
      await Deno.readFile(file.path),
    );
    const hex = Array.from(new Uint8Array(digest).slice(0, 16))
      .map((byte) => byte.toString(16).padStart(2, "0")).join("");
    const etag = `"${hex}"`;
    this.#etags.set(file.path, { version, etag });
    return etag;
  }
}

/** Every regular file below `dir`, by its path relative to it; links are not followed, so none leads out. */
async function listFiles(
  dir: string,
  prefix = "",
): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  try {
    for await (const entry of Deno.readDir(dir + prefix)) {
      const relative = prefix + entry.name;
      if (entry.isDirectory) {
        for (const [path, file] of await listFiles(dir, relative + "/")) {
          files.set(path, file);
        }
      } else if (entry.isFile) {
        const stat = await Deno.stat(dir + relative);
        files.set(relative, {
          path: dir + relative,
          size: stat.size,
          mtime: stat.mtime?.getTime() ?? 0,
        });
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files;
}

/** Decoded path below the folder, or null for anything that tries to climb out or is odd. */
function safeRelativePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(decoded)) return null;
  const segments = decoded.split("/").slice(1);
  if (segments.some((s) => s === "" || s === "." || s === "..")) return null;
  return segments.join("/");
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}
