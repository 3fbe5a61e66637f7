// Files from static/, listed once at the first request: a URL path can only name a file found
// there, so nothing outside the folder is ever read. Each has a content hash as its ETag, and
// URLs carrying asset()'s build id are cached for good.
import { ASSET_CACHE_BUST_KEY, getBuildId } from "./runtime.ts";

interface StaticFile {
  path: string;
  size: number;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  ico: "image/x-icon",
  woff2: "font/woff2",
};

export function staticFiles(dir: string) {
  let listing: Promise<Map<string, StaticFile>> | undefined;
  return {
    async find(pathname: string): Promise<StaticFile | undefined> {
      let relative: string;
      try {
        relative = decodeURIComponent(pathname).slice(1);
      } catch {
        return undefined;
      }
      return (await (listing ??= listFiles(dir))).get(relative);
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
      const extension = file.path.slice(file.path.lastIndexOf(".") + 1);
      headers.set(
        "content-type",
        CONTENT_TYPES[extension.toLowerCase()] ?? "application/octet-stream",
      );
      headers.set("content-length", String(file.size));
      if (req.method === "HEAD") return new Response(null, { headers });
      return new Response((await Deno.open(file.path)).readable, { headers });
    },
  };
}

/** Every regular file below `dir` by its path from there; links are not followed, so none leads out. */
async function listFiles(dir: string, prefix = "") {
  const files = new Map<string, StaticFile>();
  const entries = await Array.fromAsync(Deno.readDir(dir + prefix)).catch(
    (error) =>
      error instanceof Deno.errors.NotFound ? [] : Promise.reject(error),
  );
  for (const entry of entries) {
    const relative = prefix + entry.name;
    if (entry.isDirectory) {
      for (const [path, file] of await listFiles(dir, relative + "/")) {
        files.set(path, file);
      }
    } else if (entry.isFile) {
      const contents = await Deno.readFile(dir + relative);
      const digest = await crypto.subtle.digest("SHA-256", contents);
      const hex = Array.from(
        new Uint8Array(digest).slice(0, 16),
        (byte) => byte.toString(16).padStart(2, "0"),
      ).join("");
      files.set(relative, {
        path: dir + relative,
        size: contents.length,
        etag: `"${hex}"`,
      });
    }
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
