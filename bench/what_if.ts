// What a fix to the app would buy, measured before anyone makes it: `deno run -A bench/what_if.ts
// [variant …] [--figures=bytes,page,latency,bind] [--rounds=2]` starts the app as it is and once per
// variant, a what-if of _what_if.ts or several joined by "+", each in a private patched copy, and
// measures the figures on each in turn.
import { parseArgs } from "node:util";
import { buildApp, copyApp } from "./_app_copy.ts";
import type { Figure } from "./_figure.ts";
import { type Server, startApp, startBareServer } from "./_server.ts";
import { patchesOf, WHAT_IF } from "./_what_if.ts";
import { bindThroughput } from "./bind_throughput.ts";
import { bytesShipped } from "./bytes_shipped.ts";
import { pageLatency } from "./page_latency.ts";
import { pageThroughput } from "./page_throughput.ts";

const COST = 10;
const cores = navigator.hardwareConcurrency;
const FIGURES: Record<string, (app: Server, bare: Server) => Promise<Figure>> =
  {
    bytes: (app) => bytesShipped(app),
    page: (app, bare) => pageThroughput(app, bare),
    latency: (app) => pageLatency(app, cores),
    bind: (app) => bindThroughput(app, COST, cores),
  };

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    figures: { type: "string", default: "page,latency" },
    rounds: { type: "string", default: "2" },
  },
});
const chosen = positionals.length > 0 ? positionals : Object.keys(WHAT_IF);
const figures = values.figures.split(",");
const variants = [
  { label: "as is", patches: patchesOf([]) },
  ...chosen.map((label) => ({ label, patches: patchesOf(label.split("+")) })),
];
for (const name of new Set(chosen.flatMap((label) => label.split("+")))) {
  console.log(`${name}: ${WHAT_IF[name].why}`);
}

const dirs: string[] = [];
const servers: Server[] = [];
try {
  for (const variant of variants) {
    const dir = await copyApp(variant.patches);
    dirs.push(dir);
    await buildApp(dir);
    servers.push(await startApp(dir, COST));
  }
  const bare = await startBareServer();
  servers.push(bare);
  // Rounds interleave the variants, so a burst of other work on the machine hits them all alike.
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const figure of figures) {
      for (const [i, variant] of variants.entries()) {
        const { line } = await FIGURES[figure](servers[i], bare);
        console.log(`[${round}] ${variant.label}: ${line}`);
      }
    }
  }
} finally {
  for (const server of servers) await server.stop();
  for (const dir of dirs) await Deno.remove(dir, { recursive: true });
}
