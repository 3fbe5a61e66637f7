// Page throughput: server-rendered forms per second against a bare Deno.serve returning a fixed
// string, same client, same concurrency. GET /register stands in for the bind form: it renders the
// same form island, while each GET of /oauth_callback would use up a QQ login.
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { cpuDuring, type CpuSplit } from "./_cpu.ts";
import { get, runLoad } from "./_load.ts";
import type { Server } from "./_server.ts";

const REQUESTS = 3000;
const WARMUP = 300;
const CONCURRENCY = 16;
/** Rounds alternate app and bare server; the best of each stands, since other work shares the CPU. */
const ROUNDS = 2;

export async function pageThroughput(
  app: Server,
  bare: Server,
): Promise<Figure> {
  const rates = { app: [] as number[], bare: [] as number[] };
  const cpu: { app?: CpuSplit | null; bare?: CpuSplit | null } = {};
  for (let round = 0; round < ROUNDS; round++) {
    const ofApp = await rate(app, "/register");
    const ofBare = await rate(bare, "/");
    rates.app.push(ofApp.perSecond);
    rates.bare.push(ofBare.perSecond);
    cpu.app = ofApp.cpu;
    cpu.bare = ofBare.cpu;
  }
  const best = { app: Math.max(...rates.app), bare: Math.max(...rates.bare) };
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
      barePerSecond: rates.bare.map((r) => round(r)),
      cpuMicrosPerRequest: micros,
    },
    ` (concurrency ${CONCURRENCY}, best of ${ROUNDS}${
      micros.app && micros.bare
        ? `; CPU per request: server main thread ${micros.app.main} vs ${micros.bare.main} µs, client ${micros.app.client} vs ${micros.bare.client} µs`
        : ""
    })`,
  );
}

async function rate(server: Server, path: string) {
  const url = server.origin + path;
  const request = () => get(url).then(() => {});
  await runLoad(request, { count: WARMUP, concurrency: CONCURRENCY });
  const { result, cpu } = await cpuDuring(
    server.pid,
    () => runLoad(request, { count: REQUESTS, concurrency: CONCURRENCY }),
  );
  return { perSecond: result.perSecond, cpu };
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
