// The browser's entry: reads the page's island data, loads each island's chunk and hydrates it
// in place, between the <!--frsh:N--> and <!--/frsh:N--> comments the server wrote around it.
import { type ComponentType, h, hydrate } from "preact";
import { setBuildId } from "./build_id.ts";
import type { IslandData } from "./serialize.ts";

const dataElement = document.getElementById("__frsh_islands");
if (dataElement) await boot(JSON.parse(dataElement.textContent ?? "{}"));

async function boot(data: IslandData) {
  setBuildId(data.buildId);
  if (data.signals.length > 0) await reviveSignals(data);
  const modules = await Promise.all(
    data.islands.map((island) => import(island.chunk)),
  );
  const markers = findMarkers();
  data.islands.forEach((island, id) => {
    const [start, end] = markers.get(id) ?? [];
    const component: ComponentType = modules[id][island.exportName];
    if (!start || !end || !component) return;
    hydrate(
      h(component, island.props as Record<string, unknown>),
      region(start, end),
    );
  });
}

async function reviveSignals(data: IslandData) {
  const { signal } = await import("@preact/signals");
  const made = new Map<number, unknown>();
  // Inner signals were noted after the ones holding them: make those first.
  for (const ref of [...data.signals].reverse()) {
    let holder = data.islands[ref.island] as unknown as Record<
      PropertyKey,
      unknown
    >;
    const path = ["props", ...ref.path];
    const last = path.pop()!;
    for (const key of path) {
      holder = holder[key] as Record<PropertyKey, unknown>;
    }
    if (!made.has(ref.id)) made.set(ref.id, signal(holder[last]));
    holder[last] = made.get(ref.id);
  }
}

function findMarkers(): Map<number, [Comment, Comment]> {
  const markers = new Map<number, [Comment, Comment]>();
  const walker = document.createTreeWalker(
    document.body,
    NodeFilter.SHOW_COMMENT,
  );
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const comment = node as Comment;
    const match = comment.data.match(/^(\/?)frsh:(\d+)$/);
    if (!match) continue;
    const id = Number(match[2]);
    const pair = markers.get(id) ?? [comment, comment];
    pair[match[1] ? 1 : 0] = comment;
    markers.set(id, pair);
  }
  return markers;
}

/** A stand-in parent that shows Preact only the nodes between two comments. */
function region(start: Comment, end: Comment): Element {
  const parent = start.parentNode as Element;
  const nodes = () => {
    const list: ChildNode[] = [];
    for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) {
      list.push(n);
    }
    return list;
  };
  return {
    nodeType: 1,
    parentNode: parent,
    namespaceURI: parent.namespaceURI,
    get firstChild() {
      return start.nextSibling === end ? null : start.nextSibling;
    },
    get childNodes() {
      return nodes();
    },
    insertBefore: (node: Node, before: Node | null) =>
      parent.insertBefore(node, before ?? end),
    appendChild: (node: Node) => parent.insertBefore(node, end),
    removeChild: (node: Node) => parent.removeChild(node),
    contains: (node: Node) => nodes().some((n) => n.contains(node)),
  } as unknown as Element;
}
