// What components may import; bundled into the browser too, so nothing server-only here.
import type { ComponentChildren } from "preact";
import type { ContentSecurityPolicy } from "./runtime/csp.ts";

export {
  type ContentSecurityPolicy,
  type ContentSecurityPolicyDirectives,
  nonce,
  NONE,
  SELF,
  STRICT_DYNAMIC,
  UNSAFE_EVAL,
  UNSAFE_HASHES,
  UNSAFE_INLINE,
} from "./runtime/csp.ts";

export const IS_BROWSER = typeof document !== "undefined";

// The build id names this build's island bundles and busts asset() caches. Set before anything
// reads it: on the server at start (server/build_id.ts, which the browser never loads), in the
// browser by the boot module from the page's island data.
let buildId = "";

export function getBuildId(): string {
  return buildId;
}

export function setBuildId(id: string): void {
  buildId = id;
}

export const ASSET_CACHE_BUST_KEY = "__frsh_c";

/** Adds the build id to an absolute local path, so the file can be cached forever. */
export function asset(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//")) return path;
  // Pages ask for the same few paths on every render; parsing a URL each time showed in profiles.
  const key = `${buildId} ${path}`;
  let busted = assetUrls.get(key);
  if (busted === undefined) {
    const url = new URL(path, "https://fresh.local");
    if (url.searchParams.has(ASSET_CACHE_BUST_KEY)) return path;
    url.searchParams.set(ASSET_CACHE_BUST_KEY, buildId);
    busted = url.pathname + url.search + url.hash;
    if (assetUrls.size < 1000) assetUrls.set(key, busted);
  }
  return busted;
}
const assetUrls = new Map<string, string>();
/** The page being rendered: what it has collected, its nonce and, with `config.csp`, its policy. */
export interface Rendering {
  head: ComponentChildren[];
  islands: IslandUse[];
  nonce: string;
  csp?: ContentSecurityPolicy;
}

/** Rendering is synchronous, so one slot is enough. */
export const rendering: { current: Rendering | null } = { current: null };

export interface IslandUse {
  /** The island's manifest key and export. */
  file: string;
  exportName: string;
  props: Record<string, unknown>;
}

/** Moves its children (`<title>`, `<meta>`, `<link>`...) into the document's `<head>`. */
export function Head({ children }: { children?: ComponentChildren }): null {
  rendering.current?.head.push(children);
  return null;
}

/** Lets a component change the page's Content-Security-Policy while it renders (routes with `config.csp`). */
export function useCSP(mutator: (csp: ContentSecurityPolicy) => void): void {
  const csp = rendering.current?.csp;
  if (csp) mutator(csp);
}
