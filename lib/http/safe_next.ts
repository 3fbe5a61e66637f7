// `next` is only ever a path on this site that a Location header can carry: anything that could
// leave the site becomes "/", and what a header cannot hold (past U+007E, spaces) is percent-encoded.

// deno-lint-ignore no-control-regex -- control characters are exactly what must be refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What a header value carries as it is: printable ASCII. */
const HEADER_SAFE = /^[\x21-\x7e]*$/;
const MAX_LENGTH = 2048;
const BASE = "http://next.invalid";

/** `value` if it is a same-origin path (percent-encoded where a header needs it), else "/". */
export function safeNext(value: string | null | undefined): string {
  if (!value || value.length > MAX_LENGTH || !isLocalPath(value)) return "/";
  const path = headerSafe(value);
  if (path.length > MAX_LENGTH) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "/";
  }
  // Checked decoded as well: "/%2F%2Fevil.example" becomes "//evil.example" once a proxy or framework decodes it.
  return isLocalPath(decoded) ? path : "/";
}

/** `path` spelled in printable ASCII: a URL parser percent-encodes the rest as UTF-8 ("/你" → "/%E4%BD%A0"). */
function headerSafe(path: string): string {
  if (HEADER_SAFE.test(path)) return path;
  const url = new URL(path, BASE);
  const encoded = url.pathname + url.search + url.hash;
  return HEADER_SAFE.test(encoded) ? encoded : "/";
}

function isLocalPath(path: string): boolean {
  if (
    !path.startsWith("/") || path.startsWith("//") || path.includes("\\") ||
    CONTROL.test(path)
  ) return false;
  return new URL(path, BASE).origin === BASE;
}
