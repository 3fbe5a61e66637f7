// Where the server's main thread spends its time: `deno run -A bench/profile.ts </url | bind>` starts
// the built app (`deno task preview`'s way) under the V8 inspector, samples it while the load
// generator GETs the URL (or makes new-user binds), and prints the heaviest functions by self time.
// A diagnostic, not part of `deno task bench`.
import { buildApp, copyApp } from "./_app_copy.ts";
import { bind, prepareBinds } from "./_flow.ts";
import { freePort, startApp } from "./_server.ts";
import { runLoad } from "./_load.ts";
import { runWrk } from "./_wrk.ts";
const path = Deno.args[0] ?? "/register";
const WRK = { threads: 2, connections: 16 };
const SECONDS = 5;
const BINDS = 100;
const TOP = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const appDir = await copyApp();
try {
  await buildApp(appDir);
  await profileIn(appDir);
} finally {
  await Deno.remove(appDir, { recursive: true });
}

async function profileIn(appDir: string) {
  const inspectPort = freePort();
  await using app = await startApp(appDir, 10, "preview", [
    `--inspect=127.0.0.1:${inspectPort}`,
  ]);
  const targets = await (await fetch(
    `http://127.0.0.1:${inspectPort}/json/list`,
  )).json();
  const inspector = await connect(targets[0].webSocketDebuggerUrl);
  // "bind" profiles new-user binds; anything else is a URL wrk GETs for a few seconds.
  let load: () => Promise<number>;
  if (path === "bind") {
    const concurrency = 2 * navigator.hardwareConcurrency;
    const binds = await prepareBinds(app, BINDS + 8);
    await runLoad((i) => bind(app.origin, binds[BINDS + i]), {
      count: 8,
      concurrency,
    });
    load = async () =>
      (await runLoad((i) => bind(app.origin, binds[i]), {
        count: BINDS,
        concurrency,
      })).count;
  } else {
    await runWrk(app.origin + path, { ...WRK, seconds: 2 }); // warm-up
    load = async () =>
      (await runWrk(app.origin + path, { ...WRK, seconds: SECONDS })).requests;
  }
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.send("Profiler.start");
  const count = await load();
  const { profile } = await inspector.send("Profiler.stop") as {
    profile: Profile;
  };
  inspector.close();
  console.log(`${path}: ${count} while profiling`);
  printSelfTimes(profile, count);
}

/** Self time per function, in µs per request (or bind), heaviest first; also totalled per file. */
function printSelfTimes(profile: Profile, requests: number) {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    byNode.set(id, (byNode.get(id) ?? 0) + profile.timeDeltas[i]);
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = byNode.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortUrl(url);
    const name = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
    byFile.set(file, (byFile.get(file) ?? 0) + time);
  }
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const show = (title: string, map: Map<string, number>) => {
    console.log(
      `\n${title} (µs per request; all samples: ${
        (total / requests).toFixed(0)
      } µs)`,
    );
    for (
      const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP)
    ) {
      console.log(`${(time / requests).toFixed(1).padStart(8)}  ${name}`);
    }
  };
  show("by file", byFile);
  show("by function", byFunction);
}

function shortUrl(url: string): string {
  if (!url) return "(native)";
  const npm = url.match(/\/npm\/registry\.npmjs\.org\/(.+)$/);
  if (npm) return "npm:" + npm[1];
  return url.replace(/^file:\/\/\/tmp\/bench-app-[^/]+\//, "").replace(
    /^ext:/,
    "ext:",
  );
}

async function connect(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  };
  return {
    send(method: string, params: Record<string, unknown> = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise<unknown>((resolve) => waiting.set(id, resolve));
    },
    close: () => socket.close(),
  };
}
