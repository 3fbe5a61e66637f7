// What the page being rendered right now has collected. Rendering is synchronous, so one slot is enough.
// Kept free of server imports: runtime.ts (bundled for the browser) reads it for <Head>.
import type { ComponentChildren } from "preact";

export interface IslandUse {
  /** The island's file URL and export, as registered from the manifest. */
  fileUrl: string;
  exportName: string;
  props: Record<string, unknown>;
}

export interface RenderState {
  head: ComponentChildren[];
  islands: IslandUse[];
}

export const rendering: { current: RenderState | null } = { current: null };
