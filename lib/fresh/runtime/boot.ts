// The browser's entry for pages with islands: hydrates each in place, loading its chunk. Preact, its
// hooks and JSX runtime are imported here and in signals.ts, so that every entry reaches them and the
// bundler puts them in one chunk with the hydration: one file compresses smaller than several.
// @preact/signals is a chunk of its own, loaded only by a page whose island props hold a signal.
import "preact/hooks";
import { hydrateIslands } from "./hydrate.ts";

await hydrateIslands(
  (island) => import(island.chunk),
  () => import("./signals.ts"),
);
