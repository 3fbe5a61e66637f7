// Hydrates the page's islands in place, between the <!--frsh:N--> and <!--/frsh:N--> comments the
// server wrote around each, with the props it sent. boot.ts loads each island's chunk for it; a page
// bundle (one island, everything in one file) hands over the island it was built with.
import { hydrate } from "preact";
import { jsx } from "preact/jsx-runtime";
import type { signal as Signal } from "@preact/signals";
import { setBuildId } from "../runtime.ts";
import { carriesSignals, type IslandData, SIGNAL } from "./serialize.ts";

type IslandModule = Record<string, unknown>;

export async function hydrateIslands(
  load: (island: IslandData["islands"][number]) => Promise<IslandModule>,
  /** @preact/signals, for a page whose props hold signals: loaded for those pages only, as Fresh 1.x does. */
  loadSignals?: () => Promise<{ signal: typeof Signal }>,
) {
  const text = document.getElementById("__frsh_islands")?.textContent;
  if (!text) return;
  const signal = carriesSignals(text) ? (await loadSignals!()).signal : null;
  // Signals come back as signals; one id is one signal, wherever it was passed.
  const made = new Map<number, unknown>();
  const data: IslandData = JSON.parse(text, (_key, value) => {
    const id = value?.[SIGNAL];
    if (id === undefined || !signal) return value;
    if (!made.has(id)) made.set(id, signal(value.value));
    return made.get(id);
  });
  setBuildId(data.buildId);
  const modules = await Promise.all(data.islands.map(load));
  // The comments of the page by their text: `frsh:N` and `/frsh:N` bound island N.
  const comments = new Map<string, Comment>();
  const walker = document.createTreeWalker(document.body, 128); // comments only
  while (walker.nextNode()) {
    const comment = walker.currentNode as Comment;
    comments.set(comment.data, comment);
  }
  data.islands.forEach(({ exportName, props }, id) => {
    const start = comments.get(`frsh:${id}`), end = comments.get(`/frsh:${id}`);
    const component = modules[id][exportName] as Parameters<typeof jsx>[0];
    if (start && end && component) {
      hydrate(jsx(component, props as object), region(start, end));
    }
  });
}

/**
 * A stand-in parent that shows Preact only the nodes between two comments: what Preact reads of the
 * parent it hydrates into (its namespace, first child and children) and where it puts new nodes.
 */
function region(start: Comment, end: Comment): Element {
  const parent = start.parentNode as Element;
  return {
    namespaceURI: parent.namespaceURI,
    get firstChild() {
      return start.nextSibling === end ? null : start.nextSibling;
    },
    get childNodes() {
      const nodes: ChildNode[] = [];
      for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) {
        nodes.push(n);
      }
      return nodes;
    },
    insertBefore: (node: Node, before: Node | null) =>
      parent.insertBefore(node, before ?? end),
  } as unknown as Element;
}
