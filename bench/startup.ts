// Start-up: from spawning `deno run -A main.ts` (the app already built) to its first 200 on GET /.
import { type Figure, fixed, round } from "./_figure.ts";
import { appEnv, freePort, spawn, untilOk } from "./_server.ts";
import { percentile } from "./_load.ts";

const RUNS = 5;
const POLL_MS = 5;

export async function startup(
  appDir: string,
  cost: number,
  buildMs: number,
): Promise<Figure> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(await timeOneStart(appDir, cost));
  }
  const sorted = times.toSorted((a, b) => a - b);
  const median = percentile(sorted, 50);
  return {
    name: "start-up",
    details: {
      medianMs: round(median),
      runsMs: times.map((t) => round(t)),
      buildMs: round(buildMs),
    },
    line: `start-up: ${
      fixed(median, 0)
    } ms from process start to first 200 on GET / (median of ${RUNS}; ${
      sorted.map((t) => fixed(t, 0)).join(", ")
    } ms; build took ${fixed(buildMs, 0)} ms)`,
  };
}

async function timeOneStart(appDir: string, cost: number): Promise<number> {
  const kvDir = await Deno.makeTempDir({ prefix: "bench-kv-" });
  const port = freePort();
  const started = performance.now();
  const server = spawn(
    ["run", "-A", "main.ts"],
    appDir,
    appEnv(port, `${kvDir}/app.kv`, cost),
    () => {},
  );
  try {
    await untilOk(server.origin(port), server.exited, POLL_MS);
    return performance.now() - started;
  } finally {
    await server.stop();
    await Deno.remove(kvDir, { recursive: true });
  }
}
