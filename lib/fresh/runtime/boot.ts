// The browser's entry for pages with islands: hydrates each in place, loading its chunk. Preact,
// its JSX runtime and @preact/signals come in with _hydrate.ts, so the bundler puts them in one
// chunk with it: one file compresses smaller than four.
import { hydrateIslands } from "./hydrate.ts";

await hydrateIslands((island) => import(island.chunk));
