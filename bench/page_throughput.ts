// Page throughput: GET /register per second under wrk (2 threads, 16 connections), from the app as
// `deno task serve` starts it (an isolate per core) and as `deno task preview` does (one), against a
// bare Deno.serve replaying the very bytes and headers the page answered with: the least any Deno
// server can spend on that response. A peer shows the same page on lib/fresh without the app's
// middleware. GET /register stands in for the bind form: it renders the same form island, while each
// GET of /oauth_callback would use up a QQ login. Then the same with a browser's Accept-Encoding, the
// app gzipping the page against the replay of the gzipped bytes.
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { recordAnswer, type Server, startBareServer } from "./_server.ts";
import { runWrk, type WrkResult } from "./_wrk.ts";

const PATH = "/register";
const WRK = { threads: 2, connections: 16 };
const BROWSER = { "accept-encoding": "gzip, deflate, br" };
/** A cookie the app never sets: the page is not shared, and no session is found. */
const VISITOR = { cookie: "visitor=1" };

export interface PageServers {
  serve: Server;
  preview: Server;
  runtime: Server;
}

export async function pageThroughput(
  servers: PageServers,
  seconds: number,
): Promise<Figure[]> {
  await using replay = await startBareServer(
    await recordAnswer(servers.preview, PATH, {}),
  );
  await using replayGzip = await startBareServer(
    await recordAnswer(servers.preview, PATH, BROWSER),
  );
  const measure = (server: Server, headers: Record<string, string> = {}) =>
    rate(server, server === replay || server === replayGzip ? "/" : PATH, {
      seconds,
      headers,
    });
  // Two rounds of all four, each taking the better of its two: on a shared machine noise only ever
  // slows a server down, and it may strike any one measurement. A gap between a server's two numbers
  // shows how much it struck.
  const rounds: Record<"replay" | "serve" | "preview" | "runtime", Measured>[] =
    [];
  for (let turn = 0; turn < 2; turn++) {
    rounds.push({
      replay: await measure(replay),
      serve: await measure(servers.serve),
      preview: await measure(servers.preview),
      runtime: await measure(servers.runtime),
    });
  }
  const best = (name: keyof typeof rounds[0]) =>
    rounds[0][name].perSecond >= rounds[1][name].perSecond
      ? rounds[0][name]
      : rounds[1][name];
  const [bare, serve, preview, runtime] = [
    best("replay"),
    best("serve"),
    best("preview"),
    best("runtime"),
  ];
  const gzipReplay = await measure(replayGzip, BROWSER);
  const gzipServe = await measure(servers.serve, BROWSER);
  // Any cookie and the page is rendered for that request alone: with one the app does not know, the
  // middleware does all it does for a visitor (no session found), and the runtime peer beside it
  // renders the same page without the middleware.
  const rendered = await measure(servers.preview, VISITOR);

  const details = (result: Measured) => ({
    perSecond: round(result.perSecond),
    p99Ms: round(result.p99, 2),
    serverCpuMicrosPerRequest: result.serverMicros,
    wrkCpuMicrosPerRequest: result.clientMicros,
    failures: result.failures,
  });
  const both = (name: keyof typeof rounds[0]) =>
    `${name} ${fixed(rounds[0][name].perSecond, 0)} then ${
      fixed(rounds[1][name].perSecond, 0)
    }`;
  const replayLine = `best of two rounds: ${
    (["replay", "serve", "preview", "runtime"] as const).map(both).join(", ")
  } req/s`;
  const cpu = (result: Measured) =>
    `${result.serverMicros} µs server CPU per request`;
  return [
    ratioFigure(
      "page throughput, deno task serve",
      `GET ${PATH} ${fixed(serve.perSecond, 0)} req/s (${
        cpu(serve)
      }) vs the bare replay ${fixed(bare.perSecond, 0)} req/s (${cpu(bare)})`,
      serve.perSecond / bare.perSecond,
      { op: "≥", value: 0.6 },
      {
        ...WRK,
        seconds,
        serve: details(serve),
        rounds: rounds.map((turn) =>
          Object.fromEntries(
            Object.entries(turn).map((
              [name, result],
            ) => [name, details(result)]),
          )
        ),
      },
      ` (wrk -t${WRK.threads} -c${WRK.connections}; ${replayLine})`,
    ),
    ratioFigure(
      "page throughput, one isolate",
      `GET ${PATH} ${fixed(preview.perSecond, 0)} req/s (${
        cpu(preview)
      }) vs the bare replay ${fixed(bare.perSecond, 0)} req/s`,
      preview.perSecond / bare.perSecond,
      { op: "≥", value: 0.5 },
      { preview: details(preview) },
      ` (deno task preview; lib/fresh without the app's middleware: ${
        fixed(runtime.perSecond, 0)
      } req/s = ${fixed(runtime.perSecond / bare.perSecond, 2)}×, ${
        cpu(runtime)
      })`,
    ),
    {
      name: "page throughput, gzipped",
      ratio: round(gzipServe.perSecond / gzipReplay.perSecond, 3),
      details: {
        serve: details(gzipServe),
        replay: details(gzipReplay),
        headers: BROWSER,
      },
      line:
        `page throughput, gzipped: GET ${PATH} with a browser's Accept-Encoding, deno task serve ${
          fixed(gzipServe.perSecond, 0)
        } req/s (${cpu(gzipServe)}) vs the replay of the gzipped bytes ${
          fixed(gzipReplay.perSecond, 0)
        } req/s = ${
          fixed(gzipServe.perSecond / gzipReplay.perSecond, 2)
        }× (reported)`,
    },
    {
      name: "page throughput, rendered per request",
      ratio: round(rendered.perSecond / bare.perSecond, 3),
      details: {
        preview: details(rendered),
        runtime: details(runtime),
        headers: VISITOR,
        middlewareCpuMicros: rendered.serverMicros - runtime.serverMicros,
      },
      line:
        `page throughput, rendered per request: GET ${PATH} with a cookie the app does not know (so not shared), deno task preview ${
          fixed(rendered.perSecond, 0)
        } req/s (${cpu(rendered)}) = ${
          fixed(rendered.perSecond / bare.perSecond, 2)
        }× the replay; lib/fresh without the app's middleware ${
          fixed(runtime.perSecond, 0)
        } req/s (${cpu(runtime)}): the middleware's share about ${
          rendered.serverMicros - runtime.serverMicros
        } µs (reported)`,
    },
  ];
}

interface Measured extends WrkResult {
  serverMicros: number;
  clientMicros: number;
}

async function rate(
  server: Server,
  path: string,
  { seconds, headers }: { seconds: number; headers: Record<string, string> },
): Promise<Measured> {
  const url = server.origin + path;
  await runWrk(url, { ...WRK, seconds: 1, headers }); // warm-up: JIT, connections
  const before = processCpuMs(server.pid);
  const result = await runWrk(url, { ...WRK, seconds, headers });
  const serverMs = processCpuMs(server.pid) - before;
  if (result.failures > 0) {
    throw new Error(`${url}: ${result.failures} failed requests under wrk`);
  }
  const micros = (ms: number) => Math.round((ms * 1000) / result.requests);
  return {
    ...result,
    serverMicros: micros(serverMs),
    clientMicros: micros(result.clientCpuMs),
  };
}

/** utime + stime of every thread of `pid`, in ms (0 off Linux). */
export function processCpuMs(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
