// Helpers for components; bundled into the browser too, so nothing server-only here.
import type { ComponentChildren } from "preact";
import { getBuildId } from "./build_id.ts";
import { rendering } from "./render_state.ts";

export const IS_BROWSER = typeof document !== "undefined";

export const ASSET_CACHE_BUST_KEY = "__frsh_c";

/** Adds the build id to an absolute local path so the file can be cached forever. */
export function asset(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//")) return path;
  try {
    const url = new URL(path, "https://fresh.local");
    if (url.searchParams.has(ASSET_CACHE_BUST_KEY)) return path;
    url.searchParams.set(ASSET_CACHE_BUST_KEY, getBuildId());
    return url.pathname + url.search + url.hash;
  } catch {
    return path;
  }
}

/** Moves its children (`<title>`, `<meta>`, `<link>`...) into the document's `<head>`. */
export function Head({ children }: { children?: ComponentChildren }): null {
  rendering.current?.head.push(children);
  return null;
}
