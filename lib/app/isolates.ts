// `deno task serve` on Linux: the app on one isolate per core, all on one port. Each isolate is a
// worker with a listening socket of its own on that port (SO_REUSEPORT), so the kernel spreads the
// connections across them. `deno serve --parallel` gives its isolates one shared socket instead, and
// they race to accept: of wrk's 16 connections, opened at once, all went to one isolate in 1 of 6
// runs here, which then served at one core's rate while the other core idled.
import { backgroundWorkDone, stopHashingWhenIdle } from "@/lib/app/app.ts";

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

export interface Isolates {
  /** The worker module, which calls `serveInIsolate`. */
  entry: URL;
  count: number;
  hostname: string;
  port: number;
}

/** What an isolate tells the process: that it listens (and on which port), or that it has stopped. */
type IsolateNews = { listening: number } | { stopped: true };

/** Starts the isolates and serves until SIGINT or SIGTERM, when each finishes what it has in flight. */
export async function serveOnIsolates(
  { entry, count, hostname, port }: Isolates,
): Promise<void> {
  const workers: Worker[] = [];
  const start = (index: number) => {
    const name = `serve-worker-${index}`;
    const worker = new Worker(entry, { type: "module", name });
    workers.push(worker);
    const { promise, resolve } = Promise.withResolvers<number>();
    worker.onmessage = ({ data }: MessageEvent<IsolateNews>) => {
      if ("listening" in data) resolve(data.listening);
    };
    // An isolate that fails takes the process down with it, so whatever supervises it starts it again.
    worker.onerror = (event) => {
      event.preventDefault();
      console.error(`${name}: ${event.message}`);
      Deno.exit(1);
    };
    return promise;
  };
  // Each isolate reads where to listen from HOSTNAME and PORT. With port 0 the first one picks the
  // port, and the others join it there.
  Deno.env.set("HOSTNAME", hostname);
  Deno.env.set("PORT", String(port));
  const bound = await start(0);
  Deno.env.set("PORT", String(bound));
  await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  const host = hostname === "0.0.0.0" ? "localhost" : hostname;
  console.log(`Listening on http://${host}:${bound}/ with ${count} isolates`);

  const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // A second signal does not wait for what is still in flight.
    Deno.addSignalListener(signal, () => {
      if (stopping) Deno.exit(1);
      stopping = true;
      stop();
    });
  }
  await stopped;
  await Promise.all(workers.map((worker) => {
    const { promise, resolve } = Promise.withResolvers<void>();
    worker.onmessage = ({ data }: MessageEvent<IsolateNews>) => {
      if ("stopped" in data) resolve();
    };
    worker.postMessage("stop");
    return promise;
  }));
  Deno.exit(0);
}

/**
 * The worker's half: serves `handler` on HOSTNAME and PORT beside the other isolates, says so, and
 * stops when asked, after the requests in flight (and any hashing or SMS they started) are done.
 */
export function serveInIsolate(
  handler: Handler,
  { hostname, port }: { hostname: string; port: number },
): void {
  const scope = self as unknown as {
    postMessage(news: IsolateNews): void;
    onmessage: ((event: MessageEvent) => void) | null;
  };
  const server = Deno.serve({
    hostname,
    port,
    reusePort: true,
    onListen: ({ port }) => scope.postMessage({ listening: port }),
  }, handler);
  scope.onmessage = async () => {
    stopHashingWhenIdle();
    await server.shutdown();
    await backgroundWorkDone();
    scope.postMessage({ stopped: true });
  };
}

/** Starts each line a worker writes with its name, as `deno serve --parallel` does with its isolates'. */
export function nameWorkerOutput(name: string): void {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const write = console[method].bind(console);
    console[method] = (...data: unknown[]) => write(`[${name}]`, ...data);
  }
}
