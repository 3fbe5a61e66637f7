// Server side of islands: swaps each island component for a marker as its vnode is created, and the
// marker notes the island and its props and wraps it in comments, so the browser can hydrate
// exactly that region with the same props.
import {
  type ComponentType,
  createContext,
  Fragment,
  h,
  options,
} from "preact";
import { useContext } from "preact/hooks";
import type { Manifest } from "./types.ts";
import { rendering } from "./runtime.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const markerOf = new Map<AnyComponent, AnyComponent>();
const InsideIsland = createContext(false);
// Set while a marker creates the real island vnode, so the hook lets that one through.
let creatingIsland = false;

/** Makes every exported component of the manifest's islands an island. */
export function registerIslands(manifest: Manifest) {
  for (const [file, module] of Object.entries(manifest.islands)) {
    for (const [exportName, Island] of Object.entries(module)) {
      if (typeof Island !== "function") continue;
      markerOf.set(Island as AnyComponent, (props: Record<string, unknown>) => {
        creatingIsland = true;
        const vnode = h(Island as AnyComponent, props);
        creatingIsland = false;
        // Inside another island it is just part of that island's tree.
        if (useContext(InsideIsland) || !rendering.current) return vnode;
        const id = rendering.current.islands.push({ file, exportName, props });
        return (
          <>
            {comment(`frsh:${id - 1}`)}
            <InsideIsland.Provider value>{vnode}</InsideIsland.Provider>
            {comment(`/frsh:${id - 1}`)}
          </>
        );
      });
    }
  }
}

const previousVNodeHook = options.vnode;
options.vnode = (vnode) => {
  const marker = markerOf.get(vnode.type as AnyComponent);
  if (marker && !creatingIsland) vnode.type = marker;
  previousVNodeHook?.(vnode);
};

/** preact-render-to-string prints a Fragment with this prop as `<!--text-->`; boot.ts finds them. */
function comment(text: string) {
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}
