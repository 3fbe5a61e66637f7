// Page throughput: server-rendered forms per second against a bare Deno.serve returning a fixed
// string, same client, same concurrency. GET /register stands in for the bind form: it renders the
// same form island, while each GET of /oauth_callback would use up a QQ login. A bare Deno.serve
// replaying the page's recorded response tells the cost of rendering from the cost of the bytes.
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { cpuDuring, type CpuSplit, elsewhereShare } from "./_cpu.ts";
import { get, runLoad } from "./_load.ts";
import { type Server, startBareServer } from "./_server.ts";

const REQUESTS = 3000;
const WARMUP = 300;
const CONCURRENCY = 16;
/** Rounds alternate app and bare server; the best of each stands, since other work shares the CPU. */
const ROUNDS = 2;

export async function pageThroughput(
  app: Server,
  bare: Server,
): Promise<Figure> {
  await using replay = await startBareServer(await record(app, "/register"));
  const rates = {
    app: [] as number[],
    replay: [] as number[],
    bare: [] as number[],
  };
  const cpu: { app?: CpuSplit | null; bare?: CpuSplit | null } = {};
  let elsewhere = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const ofApp = await rate(app, "/register");
    const ofReplay = await rate(replay, "/");
    const ofBare = await rate(bare, "/");
    rates.app.push(ofApp.perSecond);
    rates.replay.push(ofReplay.perSecond);
    rates.bare.push(ofBare.perSecond);
    cpu.app = ofApp.cpu;
    cpu.bare = ofBare.cpu;
    elsewhere = Math.max(
      elsewhere,
      ofApp.elsewhere,
      ofReplay.elsewhere,
      ofBare.elsewhere,
    );
  }
  const best = {
    app: Math.max(...rates.app),
    replay: Math.max(...rates.replay),
    bare: Math.max(...rates.bare),
  };
  const micros = {
    app: microsPerRequest(cpu.app),
    bare: microsPerRequest(cpu.bare),
  };
  return ratioFigure(
    "page throughput",
    `GET /register ${fixed(best.app, 0)} req/s vs bare Deno.serve ${
      fixed(best.bare, 0)
    } req/s`,
    best.app / best.bare,
    { op: "≥", value: 0.4 },
    {
      concurrency: CONCURRENCY,
      requests: REQUESTS,
      appPerSecond: rates.app.map((r) => round(r)),
      replayPerSecond: rates.replay.map((r) => round(r)),
      barePerSecond: rates.bare.map((r) => round(r)),
      replayRatio: round(best.replay / best.bare, 2),
      elsewhereShareMax: round(elsewhere, 2),
      cpuMicrosPerRequest: micros,
    },
    ` (concurrency ${CONCURRENCY}, best of ${ROUNDS}; the same response replayed by a bare Deno.serve: ${
      fixed(best.replay / best.bare, 2)
    }×${
      micros.app && micros.bare
        ? `; CPU per request: server main thread ${micros.app.main} vs ${micros.bare.main} µs, client ${micros.app.client} vs ${micros.bare.client} µs; other processes had up to ${
          fixed(elsewhere * 100, 0)
        }% of the cores`
        : ""
    })`,
  );
}

/** The body and headers `path` answers with, to replay. */
async function record(app: Server, path: string) {
  const response = await fetch(app.origin + path);
  const body = await response.text();
  const headers = [...response.headers].filter(([name]) =>
    name !== "content-length" && name !== "date"
  );
  return { body, headers };
}

async function rate(server: Server, path: string) {
  const url = server.origin + path;
  const request = () => get(url).then(() => {});
  await runLoad(request, { count: WARMUP, concurrency: CONCURRENCY });
  const { result, cpu } = await cpuDuring(
    server.pid,
    () => runLoad(request, { count: REQUESTS, concurrency: CONCURRENCY }),
  );
  const cores = navigator.hardwareConcurrency;
  return {
    perSecond: result.perSecond,
    cpu,
    elsewhere: cpu ? elsewhereShare(cpu, result.seconds, cores) : 0,
  };
}

function microsPerRequest(cpu: CpuSplit | null | undefined) {
  if (!cpu) return null;
  const each = (ms: number) => Math.round((ms * 1000) / REQUESTS);
  return {
    main: each(cpu.main),
    other: each(cpu.other),
    client: each(cpu.client),
  };
}
