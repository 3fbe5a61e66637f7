// `next` is only ever a path on this site: anything that could leave it becomes "/".

// deno-lint-ignore no-control-regex -- control characters are exactly what must be refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `value` if it is a same-origin path, else "/". */
export function safeNext(value: string | null | undefined): string {
  if (!value || value.length > 2048 || !isLocalPath(value)) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return "/";
  }
  // Checked decoded as well: "/%2F%2Fevil.example" becomes "//evil.example" once a proxy or framework decodes it.
  return isLocalPath(decoded) ? value : "/";
}

function isLocalPath(path: string): boolean {
  if (
    !path.startsWith("/") || path.startsWith("//") || path.includes("\\") ||
    CONTROL.test(path)
  ) return false;
  const base = "http://next.invalid";
  return new URL(path, base).origin === base;
}
