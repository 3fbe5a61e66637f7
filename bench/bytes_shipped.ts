// Bytes shipped: the JavaScript each page with islands loads (its module script and modulepreloads), as
// it comes over the wire to a browser that sends Accept-Encoding: gzip, deflate, br. Every such page is
// held to the budget: the logged-out ones, the bind page, and the account pages of a member.
import { bindPage, loggedInCookie } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import type { Server } from "./_server.ts";
import { wireGet } from "./_wire.ts";

const BUDGET_KIB = 12;
const BROWSER = { "accept-encoding": "gzip, deflate, br" };
/** The pages that may load islands; one without any is listed as such and not counted. */
const ANONYMOUS = [
  "/",
  "/login",
  "/login?by=sms",
  "/register",
  "/password/reset",
];
const MEMBER = [
  "/account",
  "/account/password",
  "/account/mobile",
  "/account/delete",
  "/account/sessions",
];

interface PageJs {
  files: number;
  wire: number;
  plain: number;
  codings: string[];
}

export async function bytesShipped(app: Server): Promise<Figure> {
  const pages: Record<string, PageJs> = {};
  const js = async (path: string, html: string) => {
    const measured = await scriptsOf(app, html);
    if (measured.files > 0) pages[path] = measured;
  };
  for (const path of ANONYMOUS) await js(path, await pageHtml(app, path));
  await js("/oauth_callback (bind)", (await bindPage(app.origin)).html);
  const cookie = await loggedInCookie(app);
  for (const path of MEMBER) {
    await js(path, await pageHtml(app, path, { cookie }));
  }
  const kib = (bytes: number) => bytes / 1024;
  const [largest, most] = Object.entries(pages).reduce((a, b) =>
    b[1].wire > a[1].wire ? b : a
  );
  const each = Object.entries(pages).map(([path, page]) =>
    `${path} ${fixed(kib(page.wire), 2)} (${page.files})`
  ).join(", ");
  return ratioFigure(
    "bytes shipped",
    `every page's JavaScript on the wire (KiB, files; ${
      [...new Set(Object.values(pages).flatMap((p) => p.codings))].join(", ")
    }): ${each}; the largest, ${largest}, ${fixed(kib(most.wire), 2)} KiB (${
      fixed(kib(most.plain), 1)
    } KiB as it is) vs the ${BUDGET_KIB} KiB budget`,
    kib(most.wire) / BUDGET_KIB,
    { op: "≤", value: 1 },
    {
      budgetKiB: BUDGET_KIB,
      largest,
      wireKiB: round(kib(most.wire), 2),
      pages: Object.fromEntries(
        Object.entries(pages).map((
          [path, page],
        ) => [path, { ...page, wireKiB: round(kib(page.wire), 2) }]),
      ),
    },
  );
}

async function pageHtml(
  app: Server,
  path: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(app.origin + path, { headers });
  const html = await response.text();
  if (response.status !== 200) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return html;
}

/** The module script and preloads of `html`, as sent brotli'd or gzipped, and as they are. */
async function scriptsOf(app: Server, html: string): Promise<PageJs> {
  const urls = scriptUrls(html);
  const page: PageJs = { files: urls.length, wire: 0, plain: 0, codings: [] };
  for (const url of urls) {
    const sent = await wireGet(new URL(url, app.origin).href, BROWSER);
    if (sent.status !== 200) throw new Error(`${url} answered ${sent.status}`);
    page.wire += sent.body.length;
    const coding = sent.headers.get("content-encoding") ?? "identity";
    if (!page.codings.includes(coding)) page.codings.push(coding);
    page.plain += (await wireGet(new URL(url, app.origin).href)).body.length;
  }
  return page;
}

/** The `src` of each `<script type="module">` and the `href` of each modulepreload link, once each. */
export function scriptUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const isModule = /^<script/.test(tag) && /type="module"/.test(tag) ||
      /^<link/.test(tag) && /rel="modulepreload"/.test(tag);
    const url = tag.match(/\b(?:src|href)="([^"]+)"/)?.[1];
    if (isModule && url) urls.add(url.replaceAll("&amp;", "&"));
  }
  return [...urls];
}
