// Bind throughput: new-user binds per second over HTTP (`deno task serve`), against what the cores
// can hash: their number times hash-wasm's bcrypt rate on one core. Tokens and SMS codes are prepared
// first, so the timed part is the bind POST alone, sent by wrk as pages are (bench/_bind_load.ts).
import { postBinds } from "./_bind_load.ts";
import { bind, prepareBinds } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { coreShare, cpuDuring, elsewhereShare, perOperation } from "./_cpu.ts";
import { runLoad } from "./_load.ts";
import type { Server } from "./_server.ts";

const WARMUP = 8;
const RAW_HASHES = 24;
/** Prepared binds over what the cores could hash in the timed seconds, so wrk never runs out. */
const SPARE_BINDS = 1.3;

export async function bindThroughput(
  app: Server,
  cost: number,
  cores: number,
  seconds: number,
): Promise<Figure> {
  const raw = await rawBcryptRate(cost, RAW_HASHES);
  // The machine's own ceiling: one bcrypt process per core, nothing else of ours running.
  const parallel = await Promise.all(
    Array.from({ length: cores }, () => rawBcryptRate(cost, RAW_HASHES)),
  );
  const parallelRate = parallel.reduce((sum, r) => sum + r.perSecond, 0);
  const ceiling = parallelRate / raw.perSecond;
  // Eight in flight per core, over as many connections: each isolate gets some whichever way the
  // kernel spreads the connections, so every worker always has a hash queued.
  const connections = 8 * cores;
  const binds = await prepareBinds(
    app,
    WARMUP + Math.ceil(parallelRate * seconds * SPARE_BINDS) + connections,
  );
  await runLoad((i) => bind(app.origin, binds[i]), {
    count: WARMUP,
    concurrency: connections,
  });
  const { result: posted, cpu: measured } = await cpuDuring(
    app.pid,
    () => postBinds(app.origin, binds.slice(WARMUP), { connections, seconds }),
  );
  const load = {
    count: posted.bound,
    seconds: posted.seconds,
    perSecond: posted.perSecond,
  };
  // wrk is the client here: its CPU is ours, not other processes'.
  const cpu = measured && {
    ...measured,
    client: measured.client + posted.clientCpuMs,
    elsewhere: Math.max(0, measured.elsewhere - posted.clientCpuMs),
  };
  // The binds still hashing when wrk stopped finish before the next figure starts.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const perBind = cpu && perOperation(cpu, load.count);
  const share = cpu && coreShare(cpu, load.seconds, cores);
  const elsewhere = cpu && elsewhereShare(cpu, load.seconds, cores);
  return ratioFigure(
    "bind throughput",
    `${fixed(load.perSecond)} binds/s vs ${cores} × raw bcrypt ${
      fixed(raw.perSecond)
    }/s on one core`,
    load.perSecond / (cores * raw.perSecond),
    { op: "≥", value: 0.95 },
    {
      bindsPerSecond: round(load.perSecond, 2),
      binds: load.count,
      seconds: round(load.seconds, 2),
      connections,
      rawBcryptPerSecond: round(raw.perSecond, 2),
      rawHashes: raw.count,
      rawBcryptPerSecondOnAllCores: round(
        parallel.reduce((sum, r) => sum + r.perSecond, 0),
        2,
      ),
      ceilingRatio: round(ceiling / cores, 2),
      cpuMsPerBind: perBind,
      coreShare: share && round(share, 2),
      elsewhereShare: elsewhere && round(elsewhere, 2),
    },
    ` (${cores} bcrypt processes side by side reach ${
      fixed(ceiling / cores, 2)
    }×${
      perBind && share
        ? `; CPU per bind: ${fixed(perBind.workers, 0)} ms hashing, ${
          fixed(perBind.main + perBind.other + perBind.client)
        } ms the rest; our processes had ${
          fixed(share * 100, 0)
        }% of ${cores} cores, other processes ${fixed(elsewhere! * 100, 0)}%`
        : ""
    })`,
  );
}

/** hash-wasm bcrypt at `cost`, one hash after another in a process of its own. */
export async function rawBcryptRate(
  cost: number,
  count: number,
): Promise<{ count: number; perSecond: number }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      new URL("./_bcrypt_rate.ts", import.meta.url).pathname,
      String(cost),
      String(count),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `the bcrypt rate failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(stdout));
}
