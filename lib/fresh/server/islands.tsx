// Server side of islands: swaps each island component for a marker as its vnode is created, and the
// marker notes the island and its props and wraps it in comments, so the browser can hydrate
// exactly that region with the same props.
import {
  Component,
  type ComponentChildren,
  type ComponentType,
  Fragment,
  h,
  options,
} from "preact";
import type { Manifest } from "./types.ts";
import { rendering } from "../runtime.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const markerOf = new Map<AnyComponent, AnyComponent>();

/**
 * What an island's subtree is told, so the markers in it know they are inside one. Preact's legacy
 * context, not createContext: a Provider keeps a Set and closures per instance, and with one per
 * island per page those showed as most of the garbage that outlived a request (and its GC time).
 */
const INSIDE_ISLAND = { __frshInsideIsland: true } as const;
class IslandScope extends Component<{ children: ComponentChildren }> {
  override getChildContext() {
    return INSIDE_ISLAND;
  }
  override render() {
    return this.props.children;
  }
}
// Set while a marker creates the real island vnode, so the hook lets that one through.
let creatingIsland = false;

/** Makes every exported component of the manifest's islands an island. */
export function registerIslands(manifest: Manifest) {
  for (const [file, module] of Object.entries(manifest.islands)) {
    for (const [exportName, Island] of Object.entries(module)) {
      if (typeof Island !== "function") continue;
      markerOf.set(Island as AnyComponent, (
        props: Record<string, unknown>,
        context?: Partial<typeof INSIDE_ISLAND>,
      ) => {
        creatingIsland = true;
        const vnode = h(Island as AnyComponent, props);
        creatingIsland = false;
        // Inside another island it is just part of that island's tree.
        if (context?.__frshInsideIsland || !rendering.current) return vnode;
        const id = rendering.current.islands.push({ file, exportName, props });
        return (
          <>
            {comment(`frsh:${id - 1}`)}
            <IslandScope>{vnode}</IslandScope>
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
