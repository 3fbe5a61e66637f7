// Bind throughput: new-user binds per second over HTTP (`deno task serve`), against what the cores
// can hash: their number times hash-wasm's bcrypt rate on one core; and against the seed's Django
// view on the same cores (bench/_django_peer.ts). Tokens and SMS codes are prepared first, so the
// timed part is the bind POST alone, sent by wrk as pages are (bench/_bind_load.ts).
import { postBinds } from "./_bind_load.ts";
import { startDjangoPeer } from "./_django_peer.ts";
import { bind, prepareBinds, type PreparedBind } from "./_flow.ts";
import {
  alsoRequired,
  type Figure,
  fixed,
  ratioFigure,
  round,
} from "./_figure.ts";
import { coreShare, cpuDuring, elsewhereShare, perOperation } from "./_cpu.ts";
import { runLoad } from "./_load.ts";
import type { Server } from "./_server.ts";

const WARMUP = 8;
const RAW_HASHES = 24;
/**
 * Prepared binds over what the cores could hash in the timed seconds, so wrk never runs out: the rates
 * measured just before move with whatever else the machine is doing, so with room.
 */
const SPARE_BINDS = 2;
/** The same for Django, whose C bcrypt outruns hash-wasm. */
const SPARE_BINDS_DJANGO = 2;

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
  const native = await rawBcryptRate(cost, RAW_HASHES, "libxcrypt").catch(
    () => null,
  );
  // Eight in flight per core, over as many connections: every hashing thread always has a job.
  const connections = 8 * cores;
  // The app hashes with libxcrypt where it has it: the faster of the two sets how many binds to prepare.
  const fastest = Math.max(parallelRate, (native?.perSecond ?? 0) * cores);
  const toPost = (spare: number) =>
    Math.ceil(fastest * seconds * spare) + connections;

  const binds = await prepareBinds(app, WARMUP + toPost(SPARE_BINDS));
  const ours = await timedBinds(app.origin, binds, {
    connections,
    seconds,
    pid: app.pid,
  });
  const perBind = ours.cpu && perOperation(ours.cpu, ours.bound);
  const share = ours.cpu && coreShare(ours.cpu, ours.seconds, cores);
  const elsewhere = ours.cpu && elsewhereShare(ours.cpu, ours.seconds, cores);

  const django = await djangoBinds(cost, cores, {
    count: WARMUP + toPost(SPARE_BINDS_DJANGO),
    connections,
    seconds,
  });
  const figure = ratioFigure(
    "bind throughput",
    `${fixed(ours.perSecond)} binds/s vs ${cores} × raw bcrypt ${
      fixed(raw.perSecond)
    }/s on one core`,
    ours.perSecond / (cores * raw.perSecond),
    { op: "≥", value: 0.95 },
    {
      bindsPerSecond: round(ours.perSecond, 2),
      binds: ours.bound,
      seconds: round(ours.seconds, 2),
      connections,
      rawBcryptPerSecond: round(raw.perSecond, 2),
      rawHashes: raw.count,
      rawBcryptPerSecondOnAllCores: round(parallelRate, 2),
      ceilingRatio: round(ceiling / cores, 2),
      libxcryptPerSecond: native && "perSecond" in native
        ? round(native.perSecond, 2)
        : null,
      cpuMsPerBind: perBind,
      coreShare: share && round(share, 2),
      elsewhereShare: elsewhere && round(elsewhere, 2),
      django: "unavailable" in django ? { unavailable: django.unavailable } : {
        bindsPerSecond: round(django.perSecond, 2),
        binds: django.bound,
        workers: cores,
      },
    },
    ` (${cores} hash-wasm processes side by side reach ${
      fixed(ceiling / cores, 2)
    }×; ${
      native && "perSecond" in native
        ? `the app hashes with libxcrypt, ${
          fixed(native.perSecond)
        }/s on one core`
        : "the app hashes with hash-wasm"
    }${
      perBind && share
        ? `; CPU per bind: ${fixed(perBind.workers, 0)} ms hashing, ${
          fixed(perBind.main + perBind.other + perBind.client)
        } ms the rest; our processes had ${
          fixed(share * 100, 0)
        }% of ${cores} cores, other processes ${fixed(elsewhere! * 100, 0)}%`
        : ""
    })\n  beside it, ${
      "unavailable" in django
        ? `the seed's Django could not run (${django.unavailable})`
        : `the seed's Django view (gunicorn, ${cores} workers, python3-bcrypt): ${
          fixed(django.perSecond)
        } binds/s, the app ${fixed(ours.perSecond / django.perSecond, 2)}× it`
    } (target: not below it)`,
  );
  return alsoRequired(
    figure,
    !("unavailable" in django) && ours.perSecond >= django.perSecond,
  );
}

/** Warms up with a few binds, then times wrk posting the rest for `seconds`. */
async function timedBinds(
  origin: string,
  binds: PreparedBind[],
  options: { connections: number; seconds: number; pid?: number },
) {
  await runLoad((i) => bind(origin, binds[i]), {
    count: WARMUP,
    concurrency: options.connections,
  });
  const timed = () => postBinds(origin, binds.slice(WARMUP), options);
  if (options.pid === undefined) return { ...await timed(), cpu: null };
  const { result, cpu } = await cpuDuring(options.pid, timed);
  // The binds still hashing when wrk stopped finish before anything else is measured.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return {
    ...result,
    // wrk is the client here: its CPU is ours, not other processes'.
    cpu: cpu && {
      ...cpu,
      client: cpu.client + result.clientCpuMs,
      elsewhere: Math.max(0, cpu.elsewhere - result.clientCpuMs),
    },
  };
}

/** The seed's Django view's new-user binds per second, timed as the app's are. */
async function djangoBinds(
  cost: number,
  cores: number,
  { count, connections, seconds }: {
    count: number;
    connections: number;
    seconds: number;
  },
) {
  const peer = await startDjangoPeer(cost, cores);
  if ("unavailable" in peer) return peer;
  await using _ = peer;
  const binds = await peer.prepareBinds(count);
  return await timedBinds(peer.origin, binds, { connections, seconds });
}

/** bcrypt at `cost` (hash-wasm, or the app's libxcrypt), one hash after another in a process of its own. */
export async function rawBcryptRate(
  cost: number,
  count: number,
  implementation: "hash-wasm" | "libxcrypt" = "hash-wasm",
): Promise<{ count: number; perSecond: number }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_bcrypt_rate.ts", import.meta.url).pathname,
      String(cost),
      String(count),
      implementation,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `the bcrypt rate failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  const answer = JSON.parse(new TextDecoder().decode(stdout));
  if (answer.unavailable) throw new Error(answer.unavailable);
  return answer;
}
