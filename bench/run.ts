// `deno task bench`: builds a private copy of the app, starts it and a bare Deno.serve, measures
// each figure against its baseline, prints one line per figure and writes bench/results.json.
import { buildApp, copyApp } from "./_app_copy.ts";
import type { Figure } from "./_figure.ts";
import { machine } from "./_machine.ts";
import { startApp, startBareServer } from "./_server.ts";
import { bindThroughput } from "./bind_throughput.ts";
import { bytesShipped } from "./bytes_shipped.ts";
import { pageLatency } from "./page_latency.ts";
import { pageThroughput } from "./page_throughput.ts";
import { startup } from "./startup.ts";

const COST = 10;
const RESULTS = new URL("./results.json", import.meta.url);

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
  // Start-up first, while no other server of ours is running.
  report(await startup(appDir, COST, buildMs));
  await using app = await startApp(appDir, COST);
  await using bare = await startBareServer();
  // A server that dies mid-figure fails the run with its stderr, not with a refused connection.
  const whileUp = <T>(figure: Promise<T>) =>
    Promise.race([figure, app.exited, bare.exited]);
  report(await whileUp(bytesShipped(app)));
  report(await whileUp(pageThroughput(app, bare)));
  report(await whileUp(bindThroughput(app, COST, host.cores)));
  report(await whileUp(pageLatency(app, host.cores)));
} finally {
  await Deno.remove(appDir, { recursive: true });
}

const seconds = (performance.now() - started) / 1000;
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
const failed = figures.filter((figure) => figure.pass === false);
console.log(
  `${figures.length} figures in ${
    seconds.toFixed(0)
  } s, ${failed.length} missed their target; wrote bench/results.json`,
);
