// Page latency under load: GET /login, one request at a time, while binds keep every bcrypt worker
// busy, against the same with the server otherwise idle. Hashing off the main thread should leave
// pages nearly as fast as ever.
import { coreShare, cpuDuring, type CpuSplit, elsewhereShare } from "./_cpu.ts";
import { bind, prepareBinds } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import {
  get,
  inParallel,
  type LoadResult,
  percentile,
  runLoad,
} from "./_load.ts";
import type { Server } from "./_server.ts";

const PROBES = 3000;
/** Until a few thousand requests in, 1 in 100 is still several ms late (compiling, GC settling). */
const WARMUP = 2000;
/** Enough binds to outlast the probes: at ~20 binds/s, ten seconds of load. */
const LOAD_BINDS = 200;

export async function pageLatency(app: Server, cores: number): Promise<Figure> {
  const page = () => get(app.origin + "/login").then(() => {});
  await runLoad(page, { count: WARMUP, concurrency: 1 });
  const { result: idle, cpu: idleCpu } = await cpuDuring(
    app.pid,
    () => runLoad(page, { count: PROBES, concurrency: 1 }),
  );

  const binds = await prepareBinds(app, LOAD_BINDS);
  const loadOver = new AbortController();
  const probesOver = new AbortController();
  let bound = 0;
  let failure: unknown;
  const bindLoad = inParallel(
    binds.length,
    2 * cores,
    async (i) => {
      await bind(app.origin, binds[i]);
      bound++;
    },
    probesOver.signal,
  ).catch((error) => failure = error).finally(() => loadOver.abort());
  const { result: busy, cpu: busyCpu } = await cpuDuring(
    app.pid,
    () =>
      runLoad(page, {
        count: PROBES,
        concurrency: 1,
        signal: loadOver.signal,
      }),
  );
  probesOver.abort();
  await bindLoad;
  if (failure) throw failure;

  const p = (result: LoadResult, n: number) => percentile(result.latencies, n);
  const ratio = p(busy, 99) / p(idle, 99);
  const complete = busy.count === PROBES
    ? ""
    : ` (only ${busy.count} probes ran under load)`;
  return ratioFigure(
    "page latency under load",
    `GET /login p99 ${
      fixed(p(busy, 99))
    } ms with binds saturating the pool vs ${fixed(p(idle, 99))} ms idle`,
    ratio,
    { op: "≤", value: 2 },
    {
      idle: summary(idle, idleCpu),
      underLoad: { ...summary(busy, busyCpu), bindsDuring: bound },
      p50Ratio: round(p(busy, 50) / p(idle, 50), 2),
    },
    ` (p50 ${fixed(p(busy, 50), 2)} vs ${fixed(p(idle, 50), 2)} ms${
      idleCpu && busyCpu
        ? `; other processes had ${
          percentOfCores(idle, idleCpu)
        } of the cores idle, ${percentOfCores(busy, busyCpu)} under load`
        : ""
    })${complete}`,
  );

  function summary(result: LoadResult, cpu: CpuSplit | null) {
    return {
      probes: result.count,
      p50Ms: round(p(result, 50), 2),
      p90Ms: round(p(result, 90), 2),
      p99Ms: round(p(result, 99), 2),
      maxMs: round(result.latencies.at(-1) ?? NaN, 2),
      cpuMs: cpu,
      coreShare: cpu && round(coreShare(cpu, result.seconds, cores), 2),
      elsewhereShare: cpu &&
        round(elsewhereShare(cpu, result.seconds, cores), 2),
    };
  }

  function percentOfCores(result: LoadResult, cpu: CpuSplit) {
    return `${fixed(elsewhereShare(cpu, result.seconds, cores) * 100, 0)}%`;
  }
}
