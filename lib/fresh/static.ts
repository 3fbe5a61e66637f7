// Files from static/, listed once at the first request: a URL path can only name a file found
// there, so nothing outside the folder is ever read. Each has a content hash as its ETag, and
// URLs carrying asset()'s build id are cached for good.
import { readdir } from "node:fs/promises";
import { contentType, lookup } from "mime-types";
import { ASSET_CACHE_BUST_KEY, getBuildId } from "./runtime.ts";

interface StaticFile {
  path: string;
  size: number;
  etag: string;
}

export function staticFiles(dir: string) {
  let listing: Promise<Map<string, StaticFile>> | undefined;
  return {
    async find(pathname: string): Promise<StaticFile | undefined> {
      const files = await (listing ??= listFiles(dir.replace(/\/$/, "")));
      try {
        return files.get(decodeURIComponent(pathname).slice(1));
      } catch {
        return undefined; // broken percent-encoding names no file
      }
    },

    async serve(req: Request, url: URL, file: StaticFile) {
      const immutable = url.searchParams.get(ASSET_CACHE_BUST_KEY) ===
        getBuildId();
      const headers = new Headers({
        etag: file.etag,
        "cache-control": immutable
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      });
      const ifNoneMatch = req.headers.get("if-none-match")?.split(/\s*,\s*/);
      const matches = (tag: string) => tag.replace(/^W\//, "") === file.etag;
      if (ifNoneMatch?.some((tag) => matches(tag) || tag === "*")) {
        return new Response(null, { status: 304, headers });
      }
      const type = lookup(file.path) || "application/octet-stream";
      headers.set("content-type", contentType(type) || type);
      headers.set("content-length", String(file.size));
      if (req.method === "HEAD") return new Response(null, { headers });
      return new Response((await Deno.open(file.path)).readable, { headers });
    },
  };
}

/** Every regular file below `dir` by its path from there; links are not followed, so none leads out. */
async function listFiles(dir: string) {
  const files = new Map<string, StaticFile>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
    .catch((error) => error.code === "ENOENT" ? [] : Promise.reject(error));
  for (const entry of entries.filter((entry) => entry.isFile())) {
    const path = `${entry.parentPath}/${entry.name}`;
    const contents = await Deno.readFile(path);
    const etag = `"${await contentHash(contents, 16)}"`;
    files.set(path.slice(dir.length + 1), {
      path,
      size: contents.length,
      etag,
    });
  }
  return files;
}

/** The first `bytes` bytes of the content's SHA-256, in hex. */
export async function contentHash(content: BufferSource, bytes: number) {
  const digest = await crypto.subtle.digest("SHA-256", content);
  return Array.from(
    new Uint8Array(digest, 0, bytes),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}
