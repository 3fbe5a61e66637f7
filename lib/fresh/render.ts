// Renders a page inside its layouts and `_app` to a full HTML document.
import { type ComponentChildren, type ComponentType, h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { FreshContext, RenderOptions } from "./types.ts";
import {
  type Component,
  isWithin,
  type Page,
  type RouteTable,
} from "./routes.ts";
import { type IslandUse, rendering, type RenderState } from "./render_state.ts";
import "./islands.ts"; // installs the island marker before anything renders

export interface PageInput {
  data?: unknown;
  error?: unknown;
  options?: RenderOptions;
}

export interface App {
  table: RouteTable;
  /** The tags that load the islands a page used: some for `<head>`, some for the end of `<body>`. */
  islandTags(used: IslandUse[]): Promise<{ head: string; body: string }>;
}

export async function renderPage(
  app: App,
  req: Request,
  ctx: FreshContext,
  page: Page,
  status: number,
  { data, error, options }: PageInput = {},
): Promise<Response> {
  if (!page.component) {
    throw new Error(`The page for ${ctx.url.pathname} has no component`);
  }
  const stack = componentStack(app.table, page, page.component);
  const props = {
    url: ctx.url,
    route: ctx.route,
    params: ctx.params,
    state: ctx.state,
    isPartial: false,
    data,
    error,
  };
  // Link the stack inside out; async components (Fresh's `(req, ctx)` routes) resolve first.
  let inner: ComponentType = () => null;
  for (const component of stack.reverse()) {
    const Next: ComponentType = inner;
    if (component.constructor.name === "AsyncFunction") {
      const result = await component(req, {
        ...ctx,
        data,
        error,
        Component: Next,
      });
      if (result instanceof Response) return result;
      inner = () => result as ComponentChildren;
    } else {
      inner = () => h(component, { ...props, Component: Next });
    }
  }

  const state: RenderState = { head: [], islands: [] };
  let body: string;
  rendering.current = state;
  try {
    body = renderToString(h(inner, null));
  } finally {
    rendering.current = null;
  }
  const tags = state.islands.length > 0
    ? await app.islandTags(state.islands)
    : { head: "", body: "" };
  const html = assemble(body, headHtml(state.head) + tags.head, tags.body);

  const headers = new Headers(options?.headers);
  if (!headers.has("content-type")) {
    headers.set("content-type", "text/html; charset=utf-8");
  }
  return new Response(html, {
    status: options?.status ?? status,
    statusText: options?.statusText,
    headers,
  });
}

/** `_app`, then the layouts from the outermost in, then the page. */
function componentStack(table: RouteTable, page: Page, component: Component) {
  let layouts = page.config.skipInheritedLayouts
    ? []
    : table.layouts.filter((layout) => isWithin(layout.folder, page.folder));
  const root = layouts.findLastIndex((l) => l.config.skipInheritedLayouts);
  if (root > 0) layouts = layouts.slice(root);
  const withApp = !page.config.skipAppWrapper &&
    layouts.every((layout) => !layout.config.skipAppWrapper);
  return [
    ...(withApp ? [table.app ?? DefaultApp] : []),
    ...layouts.map((layout) => layout.component),
    component,
  ];
}

function DefaultApp({ Component }: { Component: ComponentType }) {
  return h(
    "html",
    null,
    h(
      "head",
      null,
      h("meta", { charset: "utf-8" }),
      h("meta", {
        name: "viewport",
        content: "width=device-width, initial-scale=1.0",
      }),
    ),
    h("body", null, h(Component, null)),
  );
}

function headHtml(children: ComponentChildren[]): string {
  const html = renderToString(h("frsh-head", null, children));
  return html.slice("<frsh-head>".length, -"</frsh-head>".length);
}

function assemble(doc: string, headExtra: string, bodyExtra: string): string {
  const headEnd = doc.indexOf("</head>");
  let head = headEnd === -1 ? "" : doc.slice(0, headEnd);
  let rest = headEnd === -1 ? doc : doc.slice(headEnd);
  const titles = headExtra.match(TITLE);
  if (titles) {
    // The last title wins, so a page's <Head><title> replaces the one from _app.
    head = head.replace(TITLE, "");
    let seen = 0;
    headExtra = headExtra.replace(
      TITLE,
      (title) => ++seen === titles.length ? title : "",
    );
  }
  const bodyEnd = rest.lastIndexOf("</body>");
  rest = bodyEnd === -1
    ? rest + bodyExtra
    : rest.slice(0, bodyEnd) + bodyExtra + rest.slice(bodyEnd);
  return "<!DOCTYPE html>" + head + headExtra + rest;
}

const TITLE = /<title[\s>][\s\S]*?<\/title>/g;
