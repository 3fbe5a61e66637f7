// Start-up: from spawning the built app to its first 200 on GET /, as `deno task preview` starts it
// (`deno run -A main.ts`) against a 250 ms budget, and as `deno task serve` does (reported).
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import {
  appArgs,
  appEnv,
  type AppStart,
  freePort,
  spawn,
  untilOk,
} from "./_server.ts";
import { percentile } from "./_load.ts";

const RUNS = 5;
const POLL_MS = 5;
const BUDGET_MS = 250;

export async function startup(
  appDir: string,
  cost: number,
  buildMs: number,
): Promise<Figure> {
  const preview = await medianStart(appDir, cost, "preview");
  const serve = await medianStart(appDir, cost, "serve");
  return ratioFigure(
    "start-up",
    `${
      fixed(preview.median, 0)
    } ms from process start to the first 200 on GET / (deno task preview, median of ${RUNS}: ${
      preview.sorted.map((t) => fixed(t, 0)).join(", ")
    } ms) vs the ${BUDGET_MS} ms budget`,
    preview.median / BUDGET_MS,
    { op: "≤", value: 1 },
    {
      medianMs: round(preview.median),
      runsMs: preview.times.map((t) => round(t)),
      serveMedianMs: round(serve.median),
      serveRunsMs: serve.times.map((t) => round(t)),
      buildMs: round(buildMs),
    },
    ` (deno task serve: ${fixed(serve.median, 0)} ms; the build took ${
      fixed(buildMs, 0)
    } ms)`,
  );
}

async function medianStart(appDir: string, cost: number, start: AppStart) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(await timeOneStart(appDir, cost, start));
  }
  return medianOf(times);
}

export function medianOf(times: number[]) {
  const sorted = times.toSorted((a, b) => a - b);
  return { times, sorted, median: percentile(sorted, 50) };
}

/** Spawn to the first 200 on GET /, in ms; on a new KV file, or on `kvPath`. */
export async function timeOneStart(
  appDir: string,
  cost: number,
  start: AppStart,
  kvPath?: string,
): Promise<number> {
  const kvDir = kvPath ? null : await Deno.makeTempDir({ prefix: "bench-kv-" });
  const port = freePort();
  const started = performance.now();
  const server = spawn(
    appArgs(start),
    appDir,
    appEnv(port, kvPath ?? `${kvDir}/app.kv`, cost),
    () => {},
  );
  try {
    await untilOk(server.origin(port), server.exited, POLL_MS);
    return performance.now() - started;
  } finally {
    await server.stop();
    if (kvDir) await Deno.remove(kvDir, { recursive: true });
  }
}
