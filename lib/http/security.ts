// What every response carries, and which requests are refused before any route sees them.

import type { ContentSecurityPolicy } from "$fresh/runtime.ts";
import { withChangedHeaders } from "./changed_headers.ts";

/**
 * The app's policy, in the shape of Fresh 1.x's `useCSP()`. Pages (routes with `config.csp`) get it
 * through `pagePolicy` and the runtime adds the page's nonce to script-src; anything else that has
 * no policy of its own (JSON, redirects, static files) gets it as it is.
 */
const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "https:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
} satisfies ContentSecurityPolicy["directives"];

/**
 * For `useCSP()`: replaces the runtime's starting policy with the app's, widened by `extra` (a captcha
 * service's hosts, only when one is configured).
 */
export function pagePolicy(
  csp: ContentSecurityPolicy,
  extra: Partial<Record<string, readonly string[]>> = {},
): void {
  csp.reportOnly = false;
  // A copy each lists its own arrays in, as later useCSP() calls may push to them (cheaper than
  // structuredClone, which showed in the page's profile).
  const directives: Record<string, string[]> = Object.fromEntries(
    Object.entries(DIRECTIVES).map(([name, sources]) => [name, [...sources]]),
  );
  for (const [name, sources] of Object.entries(extra)) {
    if (!sources?.length) continue;
    directives[name] = [...(directives[name] ?? ["'self'"]), ...sources];
  }
  csp.directives = directives;
}

const DEFAULT_POLICY = Object.entries(DIRECTIVES).map(([name, sources]) =>
  [name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), ...sources].join(" ")
).join("; ");

/**
 * Adds the security headers to `response` (copying it when its headers are immutable, as a
 * redirect's are). A policy the page already has (with its nonce) is kept; anything else gets the
 * app's policy without one.
 */
export function withSecurityHeaders(
  response: Response,
  production: boolean,
): Response {
  let headers = response.headers;
  try {
    headers.set("x-content-type-options", "nosniff");
  } catch {
    response = new Response(response.body, response);
    headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
  }
  if (
    !headers.has("content-security-policy") &&
    !headers.has("content-security-policy-report-only")
  ) {
    headers.set("content-security-policy", DEFAULT_POLICY);
  }
  headers.set("x-frame-options", "DENY");
  // The callback URL carries QQ's code: it must never leave in a Referer.
  headers.set("referrer-policy", "same-origin");
  if (production) headers.set("strict-transport-security", "max-age=31536000");
  return response;
}

/** `response` marked `Cache-Control: no-store`: it shows personal data or carries a bind token. */
export function noStore(response: Response): Response {
  return withChangedHeaders(
    response,
    (headers) => headers.set("cache-control", "no-store"),
  );
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * True when a state-changing request comes from another site: the browser says so in Sec-Fetch-Site,
 * or, for browsers that do not send it, the Origin differs. Requests with neither are not from a browser.
 */
export function isCrossOriginPost(req: Request, url: URL): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const site = req.headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = req.headers.get("origin");
  return origin !== null && origin !== url.origin;
}

/** The client's address: the socket's, or with a trusted proxy the nearest hop in X-Forwarded-For. */
export function clientAddress(
  req: Request,
  remote: Deno.Addr | undefined,
  trustProxy: boolean,
): string {
  const address = addressOf(req, remote, trustProxy);
  addresses.set(req, address);
  return address;
}

/** The address `clientAddress` found for `req`, for what records it later (a new session), or "". */
export function knownClientAddress(req: Request): string {
  return addresses.get(req) ?? "";
}

const addresses = new WeakMap<Request, string>();

function addressOf(
  req: Request,
  remote: Deno.Addr | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for")?.split(",").at(-1)
      ?.trim();
    if (forwarded && forwarded.length <= 64) return forwarded;
  }
  return remote && "hostname" in remote ? remote.hostname : "unknown";
}
