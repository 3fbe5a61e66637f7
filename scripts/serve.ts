// `deno task serve`: the built app on one isolate per core (DENO_JOBS says how many otherwise),
// listening where PORT and HOSTNAME say. On Linux each isolate has a socket of its own on the port, so
// the kernel spreads connections evenly (lib/app/isolates.ts); elsewhere SO_REUSEPORT does not spread
// them, and this runs `deno serve --parallel serve.ts`, whose isolates share one socket.
import { checkedConfig, isolatesProblem } from "@/lib/app/app.ts";
import { serveOnIsolates } from "@/lib/app/isolates.ts";

const config = checkedConfig(Deno.env.toObject());
const { port, hostname } = config;
const count = Number(Deno.env.get("DENO_JOBS")) ||
  navigator.hardwareConcurrency;

if (Deno.build.os === "linux") {
  // Said once, before any isolate starts, rather than by each.
  const problem = isolatesProblem(config);
  if (problem) {
    console.error(`Configuration error: ${problem}`);
    Deno.exit(1);
  }
  await serveOnIsolates({
    entry: new URL("./_serve_isolate.ts", import.meta.url),
    count,
    hostname,
    port,
  });
} else {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--parallel",
      "-A",
      `--port=${port}`,
      `--host=${hostname}`,
      new URL("../serve.ts", import.meta.url).pathname,
    ],
  }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => server.kill(signal));
  }
  Deno.exit((await server.status).code);
}
