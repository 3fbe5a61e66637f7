// Renders a page inside its layouts and `_app` to a full HTML document.
import { type ComponentType, h, options as preactOptions } from "preact";
import { renderToString } from "preact-render-to-string";
import type { FreshContext, RenderOptions } from "./types.ts";
import { isWithin } from "./routes.ts";
import type { Component, Page, RouteTable } from "./routes.ts";
import { type IslandUse, type Rendering, rendering } from "../runtime.ts";
import { policyHeader, startingPolicy } from "../runtime/csp.ts";

export interface PageInput {
  data?: unknown;
  error?: unknown;
  options?: RenderOptions;
}

export interface App {
  table: RouteTable;
  /** The tags that load the islands a page used: some for `<head>`, some for the end of `<body>`. */
  islandTags(
    used: IslandUse[],
    nonce: string,
  ): Promise<{ head: string; body: string }>;
}

export async function renderPage(
  app: App,
  ctx: FreshContext,
  page: Page,
  status: number,
  { data, error, options }: PageInput = {},
): Promise<Response> {
  if (!page.component) {
    throw new Error(`The page for ${ctx.url.pathname} has no component`);
  }
  const { url, route, params, state } = ctx;
  const props = { url, route, params, state, data, error };
  // `_app`, then the layouts from the outermost in, then the page: each one's Component is the next.
  const stack = [
    ...app.table.app ? [app.table.app] : [],
    ...app.table.layouts
      .filter((layout) => isWithin(layout.folder, page.folder))
      .map((layout) => layout.component),
    page.component,
  ];
  const tree = stack.reduceRight<ComponentType>(
    (Inner, Outer: Component) => () => <Outer {...props} Component={Inner} />,
    () => null,
  );

  const collected: Rendering = {
    head: [],
    islands: [],
    // Per response, as the policy allows only this page's own scripts.
    nonce: crypto.randomUUID().replaceAll("-", ""),
    csp: page.csp ? startingPolicy() : undefined,
  };
  rendering.current = collected;
  let body: string;
  try {
    body = renderToString(h(tree, null));
  } finally {
    rendering.current = null;
  }
  if (!app.table.app) body = `<html><head></head><body>${body}</body></html>`;
  const tags = collected.islands.length > 0
    ? await app.islandTags(collected.islands, collected.nonce)
    : { head: "", body: "" };
  const head = renderToString(<>{collected.head}</>) + tags.head;

  const finalStatus = options?.status ?? status;
  // A 200 is made without an init and given its headers after. Deno prepares a response's wire form
  // when it is made with an init, and drops that work as soon as anything changes the headers, as the
  // app's middleware does to every page: made this way there is none to drop (about 5 µs a page).
  const response = finalStatus === 200
    ? new Response(assemble(body, head, tags.body))
    : new Response(assemble(body, head, tags.body), { status: finalStatus });
  const headers = response.headers;
  headers.set("content-type", "text/html; charset=utf-8");
  if (options?.headers) {
    const given = new Headers(options.headers);
    if (given.has("content-type")) headers.delete("content-type");
    for (const [name, value] of given) headers.append(name, value);
  }
  // Appended, not set: a policy the handler sent as well still applies, as both do in Fresh 1.x.
  if (collected.csp) {
    headers.append(...policyHeader(collected.csp, collected.nonce));
  }
  return response;
}

// A `<script>` written by a component gets the page's nonce, so the page's policy lets it run.
const previousVNodeHook = preactOptions.vnode;
preactOptions.vnode = (vnode) => {
  const props = vnode.props as { nonce?: string };
  if (vnode.type === "script" && rendering.current && props.nonce == null) {
    props.nonce = rendering.current.nonce;
  }
  previousVNodeHook?.(vnode);
};

const TITLE = /<title[\s>][\s\S]*?<\/title>/g;

/** Adds to the document's head and the end of its body; of all titles only the last is kept. */
function assemble(doc: string, headExtra: string, bodyExtra: string): string {
  const headEnd = Math.max(doc.indexOf("</head>"), 0);
  let head = doc.slice(0, headEnd);
  const rest = doc.slice(headEnd);
  const titles = headExtra.match(TITLE)?.length ?? 0;
  if (titles > 0) {
    head = head.replace(TITLE, "");
    let seen = 0;
    if (titles > 1) {
      headExtra = headExtra.replace(TITLE, (t) => ++seen === titles ? t : "");
    }
  }
  let bodyEnd = rest.lastIndexOf("</body>");
  if (bodyEnd === -1) bodyEnd = rest.length;
  return "<!DOCTYPE html>" + head + headExtra + rest.slice(0, bodyEnd) +
    bodyExtra + rest.slice(bodyEnd);
}
