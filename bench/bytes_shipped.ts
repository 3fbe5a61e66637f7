// Bytes shipped: the JavaScript the bind page loads (its module script and modulepreloads), as it
// comes over the wire to a browser that sends Accept-Encoding: gzip, deflate, br.
import { bindPage } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import type { Server } from "./_server.ts";
import { wireGet } from "./_wire.ts";

const BUDGET_KIB = 12;
const BROWSER = { "accept-encoding": "gzip, deflate, br" };

export async function bytesShipped(app: Server): Promise<Figure> {
  const { html } = await bindPage(app.origin);
  const urls = scriptUrls(html);
  const files: Record<string, { wire: number; coding: string }> = {};
  let plain = 0;
  for (const url of urls) {
    const sent = await wireGet(new URL(url, app.origin).href, BROWSER);
    if (sent.status !== 200) throw new Error(`${url} answered ${sent.status}`);
    files[url] = {
      wire: sent.body.length,
      coding: sent.headers.get("content-encoding") ?? "identity",
    };
    plain += (await wireGet(new URL(url, app.origin).href)).body.length;
  }
  const total = Object.values(files).reduce((sum, f) => sum + f.wire, 0);
  const kib = total / 1024;
  return ratioFigure(
    "bytes shipped",
    `the bind page loads ${urls.length} JS files, ${
      fixed(kib, 2)
    } KiB on the wire (${
      [...new Set(Object.values(files).map((f) => f.coding))].join(", ")
    }; ${
      fixed(plain / 1024, 1)
    } KiB as they are) vs the ${BUDGET_KIB} KiB budget`,
    kib / BUDGET_KIB,
    { op: "≤", value: 1 },
    {
      wireBytes: total,
      wireKiB: round(kib, 2),
      budgetKiB: BUDGET_KIB,
      plainBytes: plain,
      files,
    },
  );
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
