// Content codings. Files that never change between builds (island bundles, static/) are compressed
// once, as small as brotli and gzip go: by `deno task build`, which writes them to
// `_fresh/compressed/<content hash>.br|.gz`, or else on first need. Pages are gzipped per response,
// at the level that costs the main thread least. Each answer picks from what the request's
// Accept-Encoding allows, honouring its q-values.
// node:zlib is loaded at the first compression, not at start-up: loading Deno's Node layer took
// about 50 ms of a 250 ms start. Until it is in, a page goes as it is (identity is always acceptable).
type Zlib = typeof import("node:zlib");
let zlib: Zlib | undefined;
let zlibLoading: Promise<Zlib> | undefined;
function loadZlib(): Promise<Zlib> {
  return zlibLoading ??= import("node:zlib").then((module) => zlib = module);
}

/** Resolves once pages can be gzipped (the first page to ask starts loading the compressor). */
export async function pageCompressionReady(): Promise<void> {
  await loadZlib();
}

export type Coding = "br" | "gzip";
export type Bytes = Uint8Array<ArrayBuffer>;
export type Variants = Partial<Record<Coding, Bytes>>;

/** Ours, smallest first: between equal q-values the smaller one wins. */
const CODINGS: readonly Coding[] = ["br", "gzip"];
const SUFFIX: Record<Coding, string> = { br: "br", gzip: "gz" };

/** Below this an HTML page goes as it is: it fits one packet either way. */
export const PAGE_MIN_BYTES = 1024;
/** gzip level for pages: level 1 keeps most of level 6's saving for half its CPU (see bench/README.md). */
const PAGE_GZIP_LEVEL = 1;
/** Larger files in static/ are sent as they are rather than held in memory compressed. */
export const MAX_PRECOMPRESSED_BYTES = 4 * 1024 * 1024;
/** A variant is kept only if it saves at least this share of the bytes. */
const MIN_SAVING = 0.05;

/** The coding of `available` that `acceptEncoding` prefers, or undefined for the bytes as they are. */
export function preferredCoding(
  acceptEncoding: string | null,
  available: readonly Coding[],
): Coding | undefined {
  if (!acceptEncoding || available.length === 0) return undefined;
  const weights = new Map<string, number>();
  for (const entry of acceptEncoding.split(",")) {
    const [name, ...params] = entry.split(";");
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const [key, value = ""] = param.split("=");
      if (key.trim().toLowerCase() === "q") q = qValue(value.trim());
    }
    weights.set(coding === "x-gzip" ? "gzip" : coding, q);
  }
  const weight = (coding: string) =>
    weights.get(coding) ?? weights.get("*") ?? 0;
  // The bytes as they are stay acceptable whatever is said; they win only when asked for by name.
  const identity = weights.get("identity") ?? 0;
  let best: Coding | undefined;
  for (const coding of CODINGS) {
    if (!available.includes(coding)) continue;
    if (weight(coding) > (best ? weight(best) : 0)) best = coding;
  }
  return best && weight(best) >= identity ? best : undefined;
}

/** RFC 9110's qvalue: 0 to 1 with at most three decimals; anything else is taken as "not this one". */
function qValue(text: string): number {
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(text) ? Number(text) : 0;
}

/** Whether a type is text of some kind, worth compressing (images, fonts and archives are already). */
export function isCompressible(contentType: string): boolean {
  return /^text\/|^application\/(javascript|json|xml|wasm|manifest\+json)|\+(json|xml)\b|^image\/svg\+xml/
    .test(contentType);
}

/** brotli at quality 11 and gzip at level 9: slow, so done once per file. */
export async function compressFully(bytes: Bytes): Promise<Variants> {
  const { brotliCompress, constants, gzip } = await loadZlib();
  const [br, gz] = await Promise.all([
    new Promise<Uint8Array>((resolve, reject) =>
      brotliCompress(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }, (error, result) => error ? reject(error) : resolve(result))
    ),
    new Promise<Uint8Array>((resolve, reject) =>
      gzip(
        bytes,
        { level: 9 },
        (error, result) => error ? reject(error) : resolve(result),
      )
    ),
  ]);
  const variants: Variants = {};
  const worthIt = (variant: Uint8Array) =>
    variant.length <= bytes.length * (1 - MIN_SAVING);
  if (worthIt(br)) variants.br = new Uint8Array(br);
  if (worthIt(gz)) variants.gzip = new Uint8Array(gz);
  return variants;
}

/** Where `deno task build` leaves the variants of the file whose content hash is `hash`. */
function variantPath(dir: string, hash: string, coding: Coding) {
  return `${dir}/${hash}.${SUFFIX[coding]}`;
}

/**
 * The variants of files by content hash: read from `dir` when the build made them, otherwise made
 * once here. A file changed after the build has another hash, so a stale variant is never used.
 */
export function compressedFiles(dir: string) {
  const known = new Map<string, Promise<Variants>>();
  const load = async (hash: string, bytes: () => Bytes) => {
    const built: Variants = {};
    for (const coding of CODINGS) {
      const path = variantPath(dir, hash, coding);
      const variant = await Deno.readFile(path).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      });
      if (variant) built[coding] = variant;
    }
    if (Object.keys(built).length > 0) return built;
    // The build writes nothing for a file no coding shrinks; compressing it again finds the same.
    return compressFully(bytes());
  };
  return {
    variants(hash: string, bytes: () => Bytes): Promise<Variants> {
      let found = known.get(hash);
      if (!found) {
        found = load(hash, bytes);
        known.set(hash, found);
        found.catch(() => known.delete(hash));
      }
      return found;
    },
  };
}

/** Writes the variants of `bytes` to `dir` for `compressedFiles(dir)`; returns how many. */
export async function writeVariants(
  dir: string,
  hash: string,
  bytes: Bytes,
): Promise<number> {
  const variants = await compressFully(bytes);
  for (const coding of CODINGS) {
    const variant = variants[coding];
    if (variant) await Deno.writeFile(variantPath(dir, hash, coding), variant);
  }
  return Object.keys(variants).length;
}

/** The coding a file is sent in, its bytes in it, and the ETag of that representation. */
export function chooseVariant(
  req: Request,
  etag: string,
  variants: Variants,
): { coding?: Coding; etag: string; body?: Bytes } {
  const coding = preferredCoding(
    req.headers.get("accept-encoding"),
    CODINGS.filter((coding) => variants[coding]),
  );
  if (!coding) return { etag };
  // `"<hash>"` → `"<hash>-br"`: one ETag per representation, as a cache must tell them apart.
  return {
    coding,
    etag: `${etag.slice(0, -1)}-${SUFFIX[coding]}"`,
    body: variants[coding],
  };
}

/** Whether `If-None-Match` names `etag` (weakly, as RFC 9110 says for GET) or is `*`. */
export function notModified(req: Request, etag: string): boolean {
  const ifNoneMatch = req.headers.get("if-none-match");
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

/**
 * An HTML page gzipped when the request takes gzip and the page is big enough to gain from it; any
 * other response is left as it is. Pages are strings rendered per request, so the body is in memory.
 */
export function compressPage(
  req: Request,
  response: Response,
): Response | Promise<Response> {
  const { headers } = response;
  // Not `response.body`: reading it turns a string body into a stream, sent chunked and slower.
  if (
    !headers.get("content-type")?.startsWith("text/html") ||
    NO_BODY.has(response.status) || headers.has("content-encoding")
  ) {
    return response;
  }
  try {
    appendVary(headers, "Accept-Encoding");
  } catch {
    // Immutable headers (a Response.redirect's): a copy can take the header.
    response = new Response(response.body, response);
    appendVary(response.headers, "Accept-Encoding");
  }
  const gzipOk = preferredCoding(req.headers.get("accept-encoding"), ["gzip"]);
  if (!gzipOk) return response;
  if (!zlib) {
    // After this answer has gone: loading takes the thread for a while.
    setTimeout(() => loadZlib().catch((error) => console.error(error)), 0);
    return response;
  }
  return gzipPage(response, zlib);
}

async function gzipPage(response: Response, zlib: Zlib): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const init = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  };
  if (bytes.length < PAGE_MIN_BYTES) return new Response(bytes, init);
  init.headers.set("content-encoding", "gzip");
  init.headers.delete("content-length");
  const gzipped = zlib.gzipSync(bytes, { level: PAGE_GZIP_LEVEL });
  return new Response(new Uint8Array(gzipped), init);
}

const NO_BODY = new Set([101, 103, 204, 205, 304]);

export function appendVary(headers: Headers, name: string) {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", name);
  else if (!vary.toLowerCase().split(/\s*,\s*/).includes(name.toLowerCase())) {
    headers.set("vary", `${vary}, ${name}`);
  }
}
