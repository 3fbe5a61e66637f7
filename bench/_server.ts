// The servers the benchmarks measure, each its own process on a free loopback port: the built app in a
// private copy of the tree (see `_app_copy.ts`) started as `deno task preview` does (`deno run -A
// main.ts`, one isolate), as `deno task serve` does (scripts/serve.ts, one isolate per core),
// or its routes on lib/fresh without the app's middleware; and a bare Deno.serve. The app's stdout is
// the phone that receives the SMS codes.
import { wireGet } from "./_wire.ts";

const START_TIMEOUT_MS = 60_000;
const SMS_TIMEOUT_MS = 10_000;

export interface Server extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  pid: number;
  /** Rejects, with the server's stderr, if it exits before `stop()`. */
  exited: Promise<never>;
  /** The newest code sent to `mobile`, waiting for it if it has not arrived yet. */
  readSms(mobile: string): Promise<string>;
  stop(): Promise<void>;
}

/** The app's environment for the benchmarks: its own KV file, the QQ simulator, bcrypt at `cost`. */
export function appEnv(port: number, kvPath: string, cost: number) {
  return {
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    DENO_KV_PATH: kvPath,
    SECRET_KEY: crypto.randomUUID() + crypto.randomUUID(),
    BCRYPT_COST: String(cost),
    // Fake client addresses in X-Forwarded-For spread the SMS caps (50 codes a day per address).
    TRUST_PROXY: "true",
    APP_ENV: "development",
    SMS_PROVIDER: "console",
    // Many codes from one fake address within the hour would otherwise ask for an image code.
    SMS_CAPTCHA: "off",
    // Empty counts as unset: whatever the shell holds, the app uses its QQ simulator.
    QQ_CLIENT_ID: "",
    QQ_CLIENT_SECRET: "",
    QQ_API_BASE: "",
    QQ_REDIRECT_URI: "",
    NO_COLOR: "1",
  };
}

export type AppStart = "preview" | "serve" | "runtime";

/** The command line of each way to start the built app. */
export function appArgs(start: AppStart, denoFlags: string[] = []) {
  return [
    "run",
    "-A",
    ...denoFlags,
    { serve: "scripts/serve.ts", runtime: RUNTIME_ONLY, preview: "main.ts" }[
      start
    ],
  ];
}

/** Where `_runtime_only.ts` goes in the app's copy. */
const RUNTIME_ONLY = "_bench_runtime_only.ts";

/**
 * Starts the app in `appDir` (already built) as `start` says, and waits for its first answer; on a KV
 * file of its own, or on `kvPath` (which it then leaves in place).
 */
export async function startApp(
  appDir: string,
  cost: number,
  start: AppStart = "preview",
  denoFlags: string[] = [],
  { kvPath }: { kvPath?: string } = {},
): Promise<Server> {
  if (start === "runtime") {
    await Deno.copyFile(
      new URL("./_runtime_only.ts", import.meta.url),
      `${appDir}/${RUNTIME_ONLY}`,
    );
  }
  const kvDir = kvPath ? null : await Deno.makeTempDir({ prefix: "bench-kv-" });
  const port = freePort();
  const codes = new Map<string, string>();
  const waiting = new Map<string, () => void>();
  const server = spawn(
    appArgs(start, denoFlags),
    appDir,
    appEnv(port, kvPath ?? `${kvDir}/app.kv`, cost),
    (line) => {
      const sms = parseSmsLine(line);
      if (!sms) return;
      codes.set(sms.mobile, sms.code);
      waiting.get(sms.mobile)?.();
    },
  );
  const stop = async () => {
    await server.stop();
    if (kvDir) await Deno.remove(kvDir, { recursive: true });
  };
  try {
    // Without the middleware only pages that need no state answer: the one measured is one.
    await untilOk(
      server.origin(port),
      server.exited,
      50,
      start === "runtime" ? "/register" : "/",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    origin: server.origin(port),
    pid: server.child.pid,
    exited: server.exited,
    async readSms(mobile) {
      if (!codes.has(mobile)) {
        const arrived = new Promise<void>((resolve) =>
          waiting.set(mobile, resolve)
        );
        const timeout = delay(SMS_TIMEOUT_MS);
        await Promise.race([arrived, timeout.promise]);
        timeout.cancel();
        waiting.delete(mobile);
      }
      const code = codes.get(mobile);
      if (!code) {
        throw new Error(`No SMS code for ${mobile} on the app's stdout`);
      }
      codes.delete(mobile);
      return code;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The body bytes and headers `path` answers with, as sent, to replay. */
export async function recordAnswer(
  app: Server,
  path: string,
  headers: Record<string, string>,
) {
  const answer = await wireGet(app.origin + path, headers);
  const recorded = [...answer.headers].filter(([name]) =>
    !["content-length", "date", "connection"].includes(name)
  );
  return { body: btoa(String.fromCharCode(...answer.body)), headers: recorded };
}

/** A Deno.serve answering every request with "ok" (the ceiling for page throughput), or `replay`. */
export async function startBareServer(
  replay?: { body: string; headers: [string, string][] },
): Promise<Server> {
  const port = freePort();
  const server = spawn(
    [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env=PORT,REPLAY",
      new URL("./_bare_server.ts", import.meta.url).pathname,
    ],
    Deno.cwd(),
    { PORT: String(port), REPLAY: replay ? JSON.stringify(replay) : "" },
    () => {},
  );
  await untilOk(server.origin(port), server.exited);
  return {
    origin: server.origin(port),
    pid: server.child.pid,
    exited: server.exited,
    readSms: () => Promise.reject(new Error("the bare server sends no SMS")),
    stop: server.stop,
    [Symbol.asyncDispose]: server.stop,
  };
}

/** Runs `deno <args>` in `cwd`, handing each stdout line to `onLine`; stderr is kept for errors. */
export function spawn(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr: string[] = [];
  const reading = Promise.all([
    forEachLine(child.stdout, onLine),
    forEachLine(child.stderr, (line) => stderr.push(line)),
  ]);
  let stopping = false;
  const exited = child.status.then(async (status) => {
    if (stopping) return new Promise<never>(() => {}); // we ended it
    await reading;
    throw new Error(
      `deno ${args.join(" ")} exited with code ${status.code}:\n${
        stderr.join("\n")
      }`,
    );
  });
  exited.catch(() => {}); // only a waiter on `exited` cares
  let stopped: Promise<void> | undefined;
  return {
    child,
    exited,
    origin: (port: number) => `http://127.0.0.1:${port}`,
    stop: () =>
      stopped ??= (async () => {
        stopping = true;
        try {
          child.kill("SIGTERM");
        } catch {
          // It has already exited.
        }
        // An isolate still starting when SIGTERM came can serve on.
        const grace = delay(5_000);
        const ended = await Promise.race([
          child.status.then(() => true),
          grace.promise.then(() => false),
        ]);
        grace.cancel();
        if (!ended) child.kill("SIGKILL");
        await child.status;
        await reading;
      })(),
  };
}

/** Polls `origin` until it answers 200; fails at once if the process exits instead. */
export async function untilOk(
  origin: string,
  exited: Promise<never>,
  pollMs = 50,
  path = "/",
) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const answered = await Promise.race([
      fetch(origin + path).then(async (response) => {
        await response.body?.cancel();
        return response.status === 200;
      }, () => false),
      exited,
    ]);
    if (answered) return;
    const wait = delay(pollMs);
    await Promise.race([wait.promise, exited]);
  }
  throw new Error(`${origin} did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

/** `{"event":"sms_code","mobile":"138…","code":"123456","ttl":300}`, the console SMS provider's line. */
function parseSmsLine(line: string): { mobile: string; code: string } | null {
  // Each isolate of `deno task serve` starts its lines with `[serve-worker-N] `.
  line = line.replace(/^\[serve-worker-\d+ *\] /, "");
  if (!line.startsWith('{"event":"sms_code"')) return null;
  try {
    const event = JSON.parse(line);
    return { mobile: event.mobile, code: event.code };
  } catch {
    return null; // another line written into it; the code's wait will say it never came
  }
}

async function forEachLine(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onLine: (line: string) => void,
) {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + text).split("\n");
    pending = lines.pop()!;
    lines.forEach(onLine);
  }
  if (pending) onLine(pending);
}

/** A port nothing listens on right now: the OS picks one, and we let it go for the server to take. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export function delay(ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
