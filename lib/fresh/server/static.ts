// Files from static/, listed once at the first request: a URL path can only name a file found
// there, so nothing outside the folder is ever read. Each has a content hash as its ETag, and
// URLs carrying asset()'s build id are cached for good. Text files also go brotli'd or gzipped,
// as the request prefers, from the variants `deno task build` made (or made once here).
import { lookup } from "mrmime";
import { ASSET_CACHE_BUST_KEY, getBuildId } from "../runtime.ts";
import {
  appendVary,
  chooseVariant,
  compressedFiles,
  isCompressible,
  MAX_PRECOMPRESSED_BYTES,
  notModified,
  type Variants,
} from "./compression.ts";

export interface StaticFile {
  path: string;
  size: number;
  etag: string;
  type: string;
  /** Only for text: brotli and gzip, made at the first request for the file. */
  variants?: () => Promise<Variants>;
}

/** `dir`'s files, with their compressed variants from `compressedDir` where the build put them. */
export function staticFiles(dir: string, compressedDir: string) {
  let listing: Promise<Map<string, StaticFile>> | undefined;
  let listed: Map<string, StaticFile> | undefined;
  const compressed = compressedFiles(compressedDir);
  const lookUp = (files: Map<string, StaticFile>, pathname: string) => {
    try {
      return files.get(decodeURIComponent(pathname).slice(1));
    } catch {
      return undefined; // broken percent-encoding names no file
    }
  };
  return {
    /** The file `pathname` names; at once when static/ has been listed, which the first request does. */
    find(
      pathname: string,
    ): StaticFile | undefined | Promise<StaticFile | undefined> {
      if (listed) return lookUp(listed, pathname);
      listing ??= listFiles(dir.replace(/\/$/, "")).then((files) => {
        for (const file of files.values()) {
          if (!isCompressible(file.type)) continue;
          if (file.size > MAX_PRECOMPRESSED_BYTES) continue;
          const hash = file.etag.slice(1, -1);
          file.variants = () =>
            compressed.variants(hash, () => Deno.readFileSync(file.path));
        }
        return listed = files;
      });
      return listing.then((files) => lookUp(files, pathname));
    },

    async serve(req: Request, url: URL, file: StaticFile) {
      const immutable = url.searchParams.get(ASSET_CACHE_BUST_KEY) ===
        getBuildId();
      const variant = chooseVariant(
        req,
        file.etag,
        await file.variants?.() ?? {},
      );
      const headers = new Headers({
        etag: variant.etag,
        "cache-control": immutable
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      });
      if (file.variants) appendVary(headers, "Accept-Encoding");
      if (notModified(req, variant.etag)) {
        return new Response(null, { status: 304, headers });
      }
      headers.set("content-type", file.type);
      if (variant.coding) headers.set("content-encoding", variant.coding);
      headers.set(
        "content-length",
        String(variant.body?.length ?? file.size),
      );
      if (req.method === "HEAD") return new Response(null, { headers });
      return new Response(
        variant.body ?? (await Deno.open(file.path)).readable,
        { headers },
      );
    },
  };
}

/** Every regular file below `dir` by its path from there; links are not followed, so none leads out. */
export async function listFiles(dir: string) {
  const files = new Map<string, StaticFile>();
  for (const name of await filesBelow(dir)) {
    const path = `${dir}/${name}`;
    const contents = await Deno.readFile(path);
    const etag = `"${await contentHash(contents, 16)}"`;
    files.set(name, {
      path,
      size: contents.length,
      etag,
      type: contentType(path),
    });
  }
  return files;
}

/** The paths of the regular files below `dir`, from there; none when it does not exist. */
async function filesBelow(dir: string, below = ""): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir + below)) {
      const path = `${below}/${entry.name}`;
      if (entry.isDirectory) found.push(...await filesBelow(dir, path));
      else if (entry.isFile) found.push(path.slice(1));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || below) throw error;
  }
  return found;
}

/**
 * The Content-Type for a file by its extension (mrmime's table: a few kilobytes, where mime-db's
 * JSON took about 45 ms of every start), with the charset for text, as browsers need for non-ASCII.
 */
export function contentType(path: string): string {
  const type = lookup(path) ?? "application/octet-stream";
  const text = type.startsWith("text/") ||
    /^application\/(.+\+)?json$/.test(type);
  return text ? `${type}; charset=utf-8` : type;
}

/** The first `bytes` bytes of the content's SHA-256, in hex. */
export async function contentHash(content: BufferSource, bytes: number) {
  const digest = await crypto.subtle.digest("SHA-256", content);
  return Array.from(
    new Uint8Array(digest, 0, bytes),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}
