// Server side of islands: finds island components as vnodes are created and marks where each one
// renders, so the browser can hydrate exactly that region with the same props.
import {
  type ComponentType,
  createContext,
  Fragment,
  h,
  options,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import type { Manifest } from "./types.ts";
import { rendering } from "./render_state.ts";

export interface IslandExport {
  /** The manifest key, e.g. `./islands/Counter.tsx`. */
  file: string;
  fileUrl: string;
  exportName: string;
}

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const islandOf = new Map<AnyComponent, IslandExport>();
const markerOf = new Map<AnyComponent, AnyComponent>();
const InsideIsland = createContext(false);

/** Registers every exported component of the manifest's islands; returns them. */
export function registerIslands(manifest: Manifest): IslandExport[] {
  const found: IslandExport[] = [];
  for (const [file, module] of Object.entries(manifest.islands)) {
    const fileUrl = new URL(file, manifest.baseUrl).href;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const island = { file, fileUrl, exportName };
      islandOf.set(value as AnyComponent, island);
      found.push(island);
    }
  }
  return found;
}

/** The marker comments around island number `id`; boot.ts looks for the same text. */
export function markerText(id: number): [string, string] {
  return [`frsh:${id}`, `/frsh:${id}`];
}

// Set while the marker creates the real island vnode, so the hook lets that one through.
let creatingIsland = false;

const previousVNodeHook = options.vnode;
options.vnode = (vnode: VNode) => {
  const type = vnode.type as AnyComponent;
  if (!creatingIsland && typeof type === "function" && islandOf.has(type)) {
    vnode.type = markerFor(type);
  }
  previousVNodeHook?.(vnode);
};

function markerFor(component: AnyComponent): AnyComponent {
  let marker = markerOf.get(component);
  if (marker) return marker;
  const island = islandOf.get(component)!;
  marker = function IslandMarker(props: Record<string, unknown>) {
    const nested = useContext(InsideIsland);
    creatingIsland = true;
    const vnode = h(component, props);
    creatingIsland = false;
    const state = rendering.current;
    // Inside another island it is just part of that island's tree.
    if (nested || !state) return vnode;
    const id = state.islands.push({ ...island, props }) - 1;
    const [start, end] = markerText(id);
    return h(
      Fragment,
      null,
      comment(start),
      h(InsideIsland.Provider, { value: true }, vnode),
      comment(end),
    );
  };
  markerOf.set(component, marker);
  return marker;
}

function comment(text: string): VNode {
  // preact-render-to-string prints a Fragment with this prop as <!--text-->.
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}
