// Bind throughput: new-user binds per second over HTTP, against hash-wasm's bcrypt rate on one core.
// Tokens and SMS codes are prepared first, so the timed part is the bind POST alone.
import { bind, prepareBinds } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { runLoad } from "./_load.ts";
import type { Server } from "./_server.ts";

const BINDS = 100;
const WARMUP = 8;
const RAW_HASHES = 24;

export async function bindThroughput(
  app: Server,
  cost: number,
  cores: number,
): Promise<Figure> {
  const binds = await prepareBinds(app, WARMUP + BINDS, 0);
  const raw = await rawBcryptRate(cost, RAW_HASHES);
  // Twice the pool's size in flight keeps every worker busy with one hash queued behind it.
  const load = await runLoad(
    (i, warmup) => bind(app.origin, binds[warmup ? i : WARMUP + i]),
    { count: BINDS, concurrency: 2 * cores, warmup: WARMUP },
  );
  return ratioFigure(
    "bind throughput",
    `${fixed(load.perSecond)} binds/s vs raw bcrypt ${
      fixed(raw.perSecond)
    }/s on one core`,
    load.perSecond / raw.perSecond,
    { op: "≥", value: 1.7 },
    {
      bindsPerSecond: round(load.perSecond, 2),
      binds: load.count,
      concurrency: 2 * cores,
      rawBcryptPerSecond: round(raw.perSecond, 2),
      rawHashes: raw.count,
    },
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
