// Bytes shipped: the gzipped JavaScript the bind page loads, i.e. its module scripts and
// modulepreload links, each fetched and gzipped on its own.
import { bindPage } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import type { Server } from "./_server.ts";

const BUDGET_KIB = 15;

export async function bytesShipped(app: Server): Promise<Figure> {
  const html = await bindPage(app.origin);
  const urls = scriptUrls(html);
  const files: Record<string, { bytes: number; gzipped: number }> = {};
  for (const url of urls) {
    const response = await fetch(new URL(url, app.origin));
    if (response.status !== 200) {
      throw new Error(`${url} answered ${response.status}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    files[url] = { bytes: bytes.length, gzipped: await gzippedSize(bytes) };
  }
  const total = Object.values(files).reduce((sum, f) => sum + f.gzipped, 0);
  const kib = total / 1024;
  return ratioFigure(
    "bytes shipped",
    `the bind page loads ${urls.length} JS files, ${
      fixed(kib, 1)
    } KiB gzipped vs the ${BUDGET_KIB} KiB budget`,
    kib / BUDGET_KIB,
    { op: "≤", value: 1 },
    {
      gzippedBytes: total,
      gzippedKiB: round(kib, 2),
      budgetKiB: BUDGET_KIB,
      rawBytes: Object.values(files).reduce((sum, f) => sum + f.bytes, 0),
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

async function gzippedSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}
