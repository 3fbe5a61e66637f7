// Reading and writing cookies (std/http's helpers live on JSR, out of reach).

export interface CookieOptions {
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "Lax" | "Strict";
  path?: string;
}

/**
 * The name a cookie of the app's own goes by: in production `__Host-` first, so the browser takes it only
 * as Secure, Path=/ and without Domain, and a sibling subdomain cannot plant one.
 */
export function appCookieName(name: string, production: boolean): string {
  return production ? `__Host-${name}` : name;
}

export function getCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      // A value we cannot decode is one we never set.
    }
  }
  return cookies;
}

export function setCookie(
  headers: Headers,
  name: string,
  value: string,
  options: CookieOptions = {},
): void {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? "/"}`,
  ];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  parts.push(`SameSite=${options.sameSite ?? "Lax"}`);
  headers.append("set-cookie", parts.join("; "));
}

export function deleteCookie(
  headers: Headers,
  name: string,
  options: Omit<CookieOptions, "maxAge"> = {},
): void {
  setCookie(headers, name, "", { ...options, maxAge: 0 });
}
