// Server side of islands: finds island components as vnodes are created and marks where each one
// renders, so the browser can hydrate exactly that region with the same props.
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

const islandOf = new Map<AnyComponent, { file: string; exportName: string }>();
const markerOf = new Map<AnyComponent, AnyComponent>();
const InsideIsland = createContext(false);

/** Makes every exported component of the manifest's islands an island. */
export function registerIslands(manifest: Manifest) {
  for (const [file, module] of Object.entries(manifest.islands)) {
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value === "function") {
        islandOf.set(value as AnyComponent, { file, exportName });
      }
    }
  }
}

// Set while a marker creates the real island vnode, so the hook lets that one through.
let creatingIsland = false;

const previousVNodeHook = options.vnode;
options.vnode = (vnode) => {
  const type = vnode.type as AnyComponent;
  if (!creatingIsland && islandOf.has(type)) vnode.type = markerFor(type);
  previousVNodeHook?.(vnode);
};

function markerFor(Island: AnyComponent): AnyComponent {
  let marker = markerOf.get(Island);
  if (marker) return marker;
  marker = function IslandMarker(props: Record<string, unknown>) {
    const nested = useContext(InsideIsland);
    creatingIsland = true;
    const vnode = <Island {...props} />;
    creatingIsland = false;
    // Inside another island it is just part of that island's tree.
    if (nested || !rendering.current) return vnode;
    const id = rendering.current.islands.push({
      ...islandOf.get(Island)!,
      props,
    }) - 1;
    return (
      <>
        {comment(`frsh:${id}`)}
        <InsideIsland.Provider value>{vnode}</InsideIsland.Provider>
        {comment(`/frsh:${id}`)}
      </>
    );
  };
  markerOf.set(Island, marker);
  return marker;
}

/** preact-render-to-string prints a Fragment with this prop as `<!--text-->`; boot.ts finds them. */
function comment(text: string) {
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}
