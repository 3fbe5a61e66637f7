// Page throughput: server-rendered forms per second against a bare Deno.serve returning a fixed
// string, same client, same concurrency. GET /register stands in for the bind form: it renders the
// same form island, while each GET of /oauth_callback would use up a QQ login.
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
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
  for (let round = 0; round < ROUNDS; round++) {
    rates.app.push(await rate(app.origin + "/register"));
    rates.bare.push(await rate(bare.origin + "/"));
  }
  const best = { app: Math.max(...rates.app), bare: Math.max(...rates.bare) };
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
    },
    ` (concurrency ${CONCURRENCY}, best of ${ROUNDS})`,
  );
}

async function rate(url: string): Promise<number> {
  const result = await runLoad(() => get(url).then(() => {}), {
    count: REQUESTS,
    concurrency: CONCURRENCY,
    warmup: WARMUP,
  });
  return result.perSecond;
}
