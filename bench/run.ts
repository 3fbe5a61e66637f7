// `deno task bench`: builds a private copy of the app, starts it and a bare Deno.serve, measures
// each figure against its baseline, prints one line per figure and writes bench/results.json.
// `deno task bench bind latency` runs only the figures named, and leaves results.json alone.
import { buildApp, copyApp } from "./_app_copy.ts";
import type { Figure } from "./_figure.ts";
import { machine } from "./_machine.ts";
import { type Server, startApp, startBareServer } from "./_server.ts";
import { bindThroughput } from "./bind_throughput.ts";
import { bytesShipped } from "./bytes_shipped.ts";
import { pageLatency } from "./page_latency.ts";
import { pageThroughput } from "./page_throughput.ts";
import { startup } from "./startup.ts";

const COST = 10;
const RESULTS = new URL("./results.json", import.meta.url);

interface Servers {
  app: Server;
  bare: Server;
  cores: number;
}

/** In the order they run; start-up first, while no other server of ours is running. */
const FIGURES: Record<string, (servers: Servers) => Promise<Figure>> = {
  bytes: ({ app }) => bytesShipped(app),
  page: ({ app, bare }) => pageThroughput(app, bare),
  bind: ({ app, cores }) => bindThroughput(app, COST, cores),
  latency: ({ app, cores }) => pageLatency(app, cores),
};
const chosen = Deno.args.length > 0
  ? Deno.args
  : ["startup", ...Object.keys(FIGURES)];
const unknown = chosen.filter((name) =>
  name !== "startup" && !(name in FIGURES)
);
if (unknown.length > 0) {
  console.error(
    `Unknown figure ${unknown.join(", ")}; the figures are startup, ${
      Object.keys(FIGURES).join(", ")
    }`,
  );
  Deno.exit(2);
}

const host = await machine();
console.log(
  `machine: ${host.cores} cores, ${host.cpuModel}, Deno ${host.deno}, ${host.os}; bcrypt cost ${COST}; load average before: ${host.loadAverageBefore}`,
);

const started = performance.now();
const appDir = await copyApp();
const figures: Figure[] = [];
const report = (figure: Figure) => {
  figures.push(figure);
  console.log(figure.line);
};
try {
  const buildMs = await buildApp(appDir);
  if (chosen.includes("startup")) {
    report(await startup(appDir, COST, buildMs));
  }
  await using app = await startApp(appDir, COST);
  await using bare = await startBareServer();
  for (const [name, measure] of Object.entries(FIGURES)) {
    if (!chosen.includes(name)) continue;
    // A server that dies mid-figure fails the run with its stderr, not with a refused connection.
    report(
      await Promise.race([
        measure({ app, bare, cores: host.cores }),
        app.exited,
        bare.exited,
      ]),
    );
  }
} finally {
  await Deno.remove(appDir, { recursive: true });
}

const seconds = (performance.now() - started) / 1000;
const failed = figures.filter((figure) => figure.pass === false);
const complete = Deno.args.length === 0;
if (complete) {
  await Deno.writeTextFile(
    RESULTS,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        command: "deno task bench",
        machine: host,
        bcryptCost: COST,
        seconds: Math.round(seconds),
        figures: figures.map(({ line: _, ...figure }) => figure),
      },
      null,
      2,
    ) + "\n",
  );
}
console.log(
  `${figures.length} figures in ${
    seconds.toFixed(0)
  } s, ${failed.length} missed their target${
    complete ? "; wrote bench/results.json" : ""
  }`,
);
