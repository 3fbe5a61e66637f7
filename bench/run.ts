// `deno task bench`: builds a private copy of the app, starts it the ways it is run (deno task serve,
// deno task preview) beside its peers, measures each figure against its baseline in the same run,
// prints one line per figure and writes bench/results.json.
// `deno task bench bind latency` runs only the figures named, and leaves results.json alone;
// BENCH_SECONDS=2 shortens every timed part (a smoke test of the bench, not a measurement).
import { buildApp, copyApp } from "./_app_copy.ts";
import type { Figure } from "./_figure.ts";
import { machine } from "./_machine.ts";
import { type Server, startApp } from "./_server.ts";
import { ensureWrk } from "./_wrk.ts";
import { bindThroughput } from "./bind_throughput.ts";
import { bytesShipped } from "./bytes_shipped.ts";
import { importFigures } from "./import_speed.ts";
import { pageLatency } from "./page_latency.ts";
import { pageThroughput } from "./page_throughput.ts";
import { startup } from "./startup.ts";
import { atAMillion, MILLION } from "./at_a_million.ts";

const COST = 10;
const RESULTS = new URL("./results.json", import.meta.url);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 8);
const LATENCY_RUNS = 5;

interface Servers {
  serve: Server;
  preview: Server;
  runtime: Server;
  cores: number;
  appDir: string;
}

/** In the order they run; start-up first, while no other server of ours is running. */
const FIGURES: Record<string, (servers: Servers) => Promise<Figure[]>> = {
  bytes: async ({ serve }) => [await bytesShipped(serve)],
  page: (servers) => pageThroughput(servers, SECONDS),
  bind: async ({ serve, cores }) => [
    await bindThroughput(serve, COST, cores, SECONDS),
  ],
  latency: async ({ serve, cores }) => [
    await pageLatency(serve, cores, {
      runs: LATENCY_RUNS,
      seconds: Math.max(2, Math.round(SECONDS * 0.6)),
    }),
  ],
  million: ({ appDir, cores }) =>
    atAMillion(
      appDir,
      COST,
      cores,
      SECONDS,
      (line) => console.log(line),
      Number(Deno.env.get("BENCH_ACCOUNTS") || MILLION),
    ),
};
/** Figures that need none of the servers: measured before they start, on a quiet machine. */
const ALONE: Record<string, () => Promise<Figure[]>> = {
  import: () => importFigures(COST),
};
const chosen = Deno.args.length > 0
  ? Deno.args
  : ["startup", ...Object.keys(FIGURES), ...Object.keys(ALONE)];
const unknown = chosen.filter((name) =>
  name !== "startup" && !(name in FIGURES) && !(name in ALONE)
);
if (unknown.length > 0) {
  console.error(
    `Unknown figure ${unknown.join(", ")}; the figures are startup, ${
      [...Object.keys(FIGURES), ...Object.keys(ALONE)].join(", ")
    }`,
  );
  Deno.exit(2);
}
const needsServers = chosen.some((name) =>
  name === "startup" || name in FIGURES
);

try {
  if (needsServers) await ensureWrk();
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
const host = await machine();
console.log(
  `machine: ${host.cores} cores, ${host.cpuModel}, Deno ${host.deno}, ${host.os}; bcrypt cost ${COST}; load average before: ${host.loadAverageBefore}`,
);

const started = performance.now();
const figures: Figure[] = [];
const report = (figure: Figure) => {
  figures.push(figure);
  console.log(figure.line);
};
for (const [name, measure] of Object.entries(ALONE)) {
  if (chosen.includes(name)) (await measure()).forEach(report);
}
if (needsServers) await measureWithServers(await copyApp());

async function measureWithServers(appDir: string) {
  try {
    const buildMs = await buildApp(appDir);
    if (chosen.includes("startup")) {
      report(await startup(appDir, COST, buildMs));
    }
    await using serve = await startApp(appDir, COST, "serve");
    await using preview = await startApp(appDir, COST, "preview");
    await using runtime = await startApp(appDir, COST, "runtime");
    const servers = { serve, preview, runtime, cores: host.cores, appDir };
    for (const [name, measure] of Object.entries(FIGURES)) {
      if (!chosen.includes(name)) continue;
      // A server that dies mid-figure fails the run with its stderr, not with a refused connection.
      const measured = await Promise.race([
        measure(servers),
        serve.exited,
        preview.exited,
        runtime.exited,
      ]);
      measured.forEach(report);
    }
  } finally {
    await Deno.remove(appDir, { recursive: true });
  }
}

const seconds = (performance.now() - started) / 1000;
const withTarget = figures.filter((figure) => figure.target);
const failed = withTarget.filter((figure) => figure.pass === false);
const complete = Deno.args.length === 0 && !Deno.env.has("BENCH_SECONDS");
if (complete) {
  await Deno.writeTextFile(
    RESULTS,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        command: "deno task bench",
        machine: host,
        loadAverageAfter: (await machine()).loadAverageBefore,
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
  `${figures.length} figures in ${seconds.toFixed(0)} s; ${
    withTarget.length - failed.length
  } of ${withTarget.length} targets met${
    failed.length > 0
      ? ` (missed: ${failed.map((f) => f.name).join(", ")})`
      : ""
  }${complete ? "; wrote bench/results.json" : ""}`,
);
