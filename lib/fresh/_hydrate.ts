// Hydrates the page's islands in place, between the <!--frsh:N--> and <!--/frsh:N--> comments the
// server wrote around each, with the props it sent. boot.ts loads each island's chunk for it; a page
// bundle (one island, everything in one file) hands over the island it was built with.
import { hydrate } from "preact";
import { jsx } from "preact/jsx-runtime";
import { signal } from "@preact/signals";
import { setBuildId } from "./runtime.ts";
import { type IslandData, SIGNAL } from "./serialize.ts";

type IslandModule = Record<string, unknown>;

export async function hydrateIslands(
  load: (island: IslandData["islands"][number]) => Promise<IslandModule>,
) {
  const text = document.getElementById("__frsh_islands")?.textContent;
  if (!text) return;
  // Signals come back as signals; one id is one signal, wherever it was passed.
  const made = new Map<number, unknown>();
  const data: IslandData = JSON.parse(text, (_key, value) => {
    const id = value?.[SIGNAL];
    if (id === undefined) return value;
    if (!made.has(id)) made.set(id, signal(value.value));
    return made.get(id);
  });
  setBuildId(data.buildId);
  const modules = await Promise.all(data.islands.map(load));
  const markers = findMarkers();
  data.islands.forEach(({ exportName, props }, id) => {
    const start = markers.get(`frsh:${id}`), end = markers.get(`/frsh:${id}`);
    const component = modules[id][exportName] as Parameters<typeof jsx>[0];
    if (start && end && component) {
      hydrate(jsx(component, props as object), region(start, end));
    }
  });
}

/** The `frsh:N` and `/frsh:N` comments, by their text. */
function findMarkers(): Map<string, Comment> {
  const markers = new Map<string, Comment>();
  const walker = document.createTreeWalker(document.body, 128); // comments only
  while (walker.nextNode()) {
    const comment = walker.currentNode as Comment;
    if (/^\/?frsh:\d+$/.test(comment.data)) markers.set(comment.data, comment);
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
      return nodes()[0] ?? null;
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
