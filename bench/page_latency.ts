// Page latency under load: the p99 of GET /login, one request at a time from wrk (one thread, one
// connection), while new-user binds keep every bcrypt worker busy, against the same with the server
// otherwise idle. Hashing off the main thread, at the lowest priority, should leave pages nearly as
// fast as ever. Run several times, since one p99 of a few thousand requests moves from run to run.
// A peer says what the machine allows: a bare Deno.serve replaying /login's bytes, probed the same
// way, idle and under the same binds, right after the app each time.
import { postBinds } from "./_bind_load.ts";
import { prepareBinds } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { recordAnswer, type Server, startBareServer } from "./_server.ts";
import { runWrk, type WrkResult } from "./_wrk.ts";

const PROBE = { threads: 1, connections: 1 };
/** Above the ~22 binds/s two cores make at cost 10, so the load outlasts the probe. */
const BINDS_PER_SECOND_AT_MOST = 35;
/** The binds start this long before the probe and end as long after it: the pool is full throughout. */
const LEAD_S = 1;

export async function pageLatency(
  app: Server,
  cores: number,
  { runs, seconds }: { runs: number; seconds: number },
): Promise<Figure> {
  const url = app.origin + "/login";
  await using replay = await startBareServer(
    await recordAnswer(app, "/login", {}),
  );
  await runWrk(url, { ...PROBE, seconds: 2 }); // warm-up
  await runWrk(replay.origin, { ...PROBE, seconds: 1 });
  const results: {
    idle: WrkResult;
    loaded: WrkResult;
    bindsPerSecond: number;
    replayIdle: WrkResult;
    replayLoaded: WrkResult;
  }[] = [];
  for (let run = 0; run < runs; run++) {
    const idle = await runWrk(url, { ...PROBE, seconds });
    const replayIdle = await runWrk(replay.origin, { ...PROBE, seconds });
    // The load covers both probes, a second before the first to a second after the second.
    const loadSeconds = 2 * seconds + 2 * LEAD_S;
    const binds = await prepareBinds(
      app,
      Math.ceil(BINDS_PER_SECOND_AT_MOST * loadSeconds),
    );
    // Eight binds in flight per core, posted by wrk: every bcrypt worker always has one waiting.
    const load = postBinds(app.origin, binds, {
      connections: 8 * cores,
      seconds: loadSeconds,
    });
    await new Promise((resolve) => setTimeout(resolve, LEAD_S * 1000));
    const loaded = await runWrk(url, { ...PROBE, seconds });
    const replayLoaded = await runWrk(replay.origin, { ...PROBE, seconds });
    const { bound, perSecond } = await load;
    if (bound === 0) throw new Error("no bind finished during the probe");
    results.push({
      idle,
      loaded,
      bindsPerSecond: perSecond,
      replayIdle,
      replayLoaded,
    });
    // What was still hashing when wrk stopped ends before the next idle probe.
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const ratios = results.map(({ idle, loaded }) => loaded.p99 / idle.p99);
  const replayRatios = results.map(({ replayIdle, replayLoaded }) =>
    replayLoaded.p99 / replayIdle.p99
  );
  const sorted = ratios.toSorted((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted.at(-1)!;
  const middle = results[ratios.indexOf(median)];
  return ratioFigure(
    "page latency under load",
    `GET /login p99 ${
      fixed(middle.loaded.p99, 2)
    } ms with binds saturating bcrypt vs ${
      fixed(middle.idle.p99, 2)
    } ms idle (median of ${runs} runs; the worst run's ratio counts)`,
    worst,
    { op: "≤", value: 2 },
    {
      runs: results.map(({ idle, loaded, bindsPerSecond }) => ({
        idleP50Ms: round(idle.p50, 3),
        idleP99Ms: round(idle.p99, 3),
        loadedP50Ms: round(loaded.p50, 3),
        loadedP99Ms: round(loaded.p99, 3),
        probes: loaded.requests,
        bindsPerSecond: round(bindsPerSecond, 1),
        ratio: round(loaded.p99 / idle.p99, 2),
      })),
      medianRatio: round(median, 2),
      replay: results.map(({ replayIdle, replayLoaded }) => ({
        idleP99Ms: round(replayIdle.p99, 3),
        loadedP99Ms: round(replayLoaded.p99, 3),
        ratio: round(replayLoaded.p99 / replayIdle.p99, 2),
      })),
    },
    ` (each run's ratio: ${ratios.map((r) => fixed(r, 2)).join(", ")}; p50 ${
      fixed(middle.loaded.p50, 2)
    } vs ${fixed(middle.idle.p50, 2)} ms; ${
      Math.round(middle.bindsPerSecond)
    } binds/s around the probe; the bare replay of /login under the same binds: ${
      replayRatios.map((r) => fixed(r, 2)).join(", ")
    })`,
  );
}
