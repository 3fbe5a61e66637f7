// The real server as a subprocess (`deno run -A main.ts`) on a free loopback port, with its own KV file,
// for the browser and reliability suites; the SMS codes it prints on stdout are collected so a test can
// read them as a phone would.
import {
  givePseudonymKey,
  pseudonym,
  type PseudonymKind,
} from "@/lib/kv/pseudonyms.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";

const ROOT = new URL("../", import.meta.url);
const MAIN = new URL("main.ts", ROOT).pathname;
/** `APP_SERVER=serve` starts the app as `deno task serve` does: an isolate per core on one port. */
const SERVE_PARALLEL = Deno.env.get("APP_SERVER") === "serve";
const SERVE = new URL("scripts/serve.ts", ROOT).pathname;
export const SECRET_KEY = "test-server-secret-key-0123456789abcdef";
/**
 * How long the server may take to answer its first request, and to print a line a test waits for (an
 * SMS or image code, printed before the answer to the request that made it). Each wait ends as soon as
 * what it waits for comes, or the server exits: these bounds only keep a run from hanging on something
 * that never comes, and sit far above what the busiest machine takes.
 */
const START_WAIT_MS = 120_000;
const LINE_WAIT_MS = 60_000;

/** The sources a build bundles or serves: a build older than any of them is stale. */
const SOURCES = ["islands", "components", "lib", "routes", "static"];
let buildChecked: Promise<void> | undefined;

/**
 * Like `deno task preview`, the server serves the islands `deno task build` left in `_fresh/` when there
 * are any: from a build older than the sources, a browser story would test yesterday's islands.
 */
async function refuseStaleBuild(): Promise<void> {
  const snapshot = new URL("_fresh/snapshot.json", ROOT);
  const built = await Deno.stat(snapshot).then(
    (info) => info.mtime,
    () => null,
  );
  if (!built) return;
  for (const folder of SOURCES) {
    const changed = await newerFile(new URL(`${folder}/`, ROOT), built);
    if (changed) {
      throw new Error(
        `_fresh/ holds a build older than ${changed}: run \`deno task build\` again, or remove _fresh/`,
      );
    }
  }
}

async function newerFile(dir: URL, than: Date): Promise<string | null> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) {
      const found = await newerFile(url, than);
      if (found) return found;
    } else if ((await Deno.stat(url)).mtime! > than) {
      return url.pathname.slice(ROOT.pathname.length);
    }
  }
  return null;
}

/** A fresh directory for one test's KV file; removed by `[Symbol.asyncDispose]`. */
export async function tempKv(): Promise<AsyncDisposable & { path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "app_server_" });
  return {
    path: `${dir}/app.kv`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** What the server printed: the SMS codes by mobile, the last lines of stdout, and stderr. */
class ServerOutput {
  readonly codes = new Map<string, string[]>();
  /** The image codes printed in development, by uuid. */
  readonly imageCodes = new Map<string, string>();
  readonly stdoutTail: string[] = [];
  readonly stderr: string[] = [];
  readonly #waiters = new Set<() => void>();
  /** The server's stdout has ended: it has exited, and no line will come. */
  ended = false;

  onStdout(line: string) {
    // Each isolate of `deno task serve` (and `deno serve --parallel`) starts its lines with `[serve-worker-N] `.
    line = line.replace(/^\[serve-worker-\d+ *\] /, "");
    const image = imageCodeEvent(line);
    if (image) {
      this.imageCodes.set(image.uuid, image.text);
      for (const wake of this.#waiters) wake();
    }
    const sms = smsEvent(line);
    if (sms) {
      this.codes.set(sms.mobile, [
        ...this.codes.get(sms.mobile) ?? [],
        sms.code,
      ]);
      for (const wake of this.#waiters) wake();
    }
    this.stdoutTail.push(line);
    if (this.stdoutTail.length > 40) this.stdoutTail.shift();
  }

  onEnd() {
    this.ended = true;
    for (const wake of this.#waiters) wake();
  }

  onStderr(line: string) {
    if (this.stderr.length < 200) this.stderr.push(line);
  }

  /** Resolves on the next code line or the end of the output, or after `ms`. */
  async nextCode(ms: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, ms);
    this.#waiters.add(resolve);
    await promise;
    this.#waiters.delete(resolve);
    clearTimeout(timer);
  }
}

export class AppServer implements AsyncDisposable {
  readonly #read = new Map<string, number>();

  private constructor(
    readonly origin: string,
    private readonly child: Deno.ChildProcess,
    private readonly done: Promise<unknown>,
    private readonly output: ServerOutput,
    private readonly afterDispose?: () => PromiseLike<void>,
  ) {}

  /**
   * Starts the app on 127.0.0.1 with the KV at `kvPath`, cheap bcrypt, and X-Forwarded-For trusted.
   * The port is one the OS just handed out, and the server counts as started once it answers HTTP:
   * neither depends on what the runtime (lib/fresh or Fresh itself) prints or does with port 0.
   */
  static async start(
    kvPath: string,
    env: Record<string, string> = {},
    afterDispose?: () => PromiseLike<void>,
    main = MAIN,
  ): Promise<AppServer> {
    await (buildChecked ??= refuseStaleBuild());
    for (let attempt = 1;; attempt++) {
      try {
        const port = freePort();
        return await AppServer.#startOn(main, port, kvPath, env, afterDispose);
      } catch (error) {
        // Someone else took the port between our look and the server's bind: try another.
        if (!(error instanceof PortTaken) || attempt === 3) throw error;
      }
    }
  }

  static async #startOn(
    main: string,
    port: number,
    kvPath: string,
    env: Record<string, string>,
    afterDispose?: () => PromiseLike<void>,
  ): Promise<AppServer> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SERVE_PARALLEL && main === MAIN ? SERVE : main],
      cwd: ROOT.pathname,
      env: {
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        DENO_KV_PATH: kvPath,
        SECRET_KEY,
        BCRYPT_COST: "4",
        TRUST_PROXY: "true",
        APP_ENV: "development",
        // Whatever the developer's shell has, this server uses the simulator and prints its codes.
        QQ_CLIENT_ID: "",
        QQ_CLIENT_SECRET: "",
        QQ_API_BASE: "",
        QQ_REDIRECT_URI: "",
        SMS_PROVIDER: "console",
        NO_COLOR: "1",
        ...env,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();

    const output = new ServerOutput();
    const stdout = readLines(child.stdout, (line) => output.onStdout(line))
      .finally(() => output.onEnd());
    const stderr = readLines(child.stderr, (line) => output.onStderr(line));
    const done = Promise.all([child.status, stdout, stderr]);
    const origin = `http://127.0.0.1:${port}`;
    const exited = done.then(() => {
      const log = output.stderr.join("\n");
      throw /AddrInUse|address already in use/i.test(log)
        ? new PortTaken(log)
        : new Error(`the server exited before answering:\n${log}`);
    });
    exited.catch(() => {}); // after a good start, only the wait below listens to it
    try {
      await untilAnswering(origin, exited);
      return new AppServer(origin, child, done, output, afterDispose);
    } catch (error) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await done;
      throw error;
    }
  }

  /** The text of the image code last drawn for `uuid`, as a person reads it off the picture. */
  async imageCode(uuid: string): Promise<string> {
    const deadline = Date.now() + LINE_WAIT_MS;
    while (!this.output.imageCodes.has(uuid.toLowerCase())) {
      if (this.output.ended || Date.now() > deadline) {
        throw new Error(`no image code for ${uuid} on the server log`);
      }
      await this.output.nextCode(100);
    }
    return this.output.imageCodes.get(uuid.toLowerCase())!;
  }

  /** How many codes the server has printed for `mobile`. */
  codesSentTo(mobile: string): number {
    return this.output.codes.get(mobile)?.length ?? 0;
  }

  /** The `nth` code (counting from 1) printed for `mobile`, waiting briefly for the line to arrive. */
  async smsCode(mobile: string, nth: number): Promise<string> {
    const deadline = Date.now() + LINE_WAIT_MS;
    while (this.codesSentTo(mobile) < nth) {
      if (this.output.ended || Date.now() > deadline) {
        throw new Error(
          `no SMS code #${nth} for ${mobile} on the server log, which ends:\n${
            this.output.stdoutTail.join("\n")
          }`,
        );
      }
      await this.output.nextCode(100);
    }
    return this.output.codes.get(mobile)![nth - 1];
  }

  /** The oldest code sent to `mobile` not read yet, waiting for it as a phone would. */
  async readSms(mobile: string): Promise<string> {
    const nth = (this.#read.get(mobile) ?? 0) + 1;
    const code = await this.smsCode(mobile, nth);
    this.#read.set(mobile, nth);
    return code;
  }

  /** The last 40 lines the server wrote on stdout. */
  get stdout(): string[] {
    return [...this.output.stdoutTail];
  }

  /** What the server wrote on stderr (errors, stack traces), at most 200 lines. */
  get stderr(): string[] {
    return [...this.output.stderr];
  }

  /** Stops the server as a process manager would (SIGTERM) and waits for it and its output. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  /** kill -9: no chance to finish anything in flight. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  private async signal(signal: Deno.Signal): Promise<void> {
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
    await this.done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
    await this.afterDispose?.();
  }
}

/** A server on a KV file of its own, both gone when disposed: for tests that need one server only. */
export async function startApp(
  env: Record<string, string> = {},
): Promise<AppServer> {
  const kv = await tempKv();
  try {
    return await AppServer.start(kv.path, env, () => kv[Symbol.asyncDispose]());
  } catch (error) {
    await kv[Symbol.asyncDispose]();
    throw error;
  }
}

/** Opens the KV file of a stopped server, for reading what it left behind. */
export async function inspectKv(path: string) {
  const kv = await Deno.openKv(path);
  givePseudonymKey(kv, SECRET_KEY);
  /** What the server keyed `value` by (lib/kv/pseudonyms.ts), for finding its rows. */
  const pseudonymOf = (kind: PseudonymKind, value: string) =>
    pseudonym(kv, kind, value);
  const rows: Deno.KvEntry<unknown>[] = [];
  for await (const entry of kv.list({ prefix: [] })) rows.push(entry);
  const invariants = await checkInvariants(kv);
  kv.close();
  const tables = new Map<string, number>();
  for (const { key } of rows) {
    const table = String(key[0]);
    tables.set(table, (tables.get(table) ?? 0) + 1);
  }
  const rowsOf = <T>(table: string) =>
    rows.filter(({ key }) => key[0] === table) as Deno.KvEntry<T>[];
  return { invariants, tables, rowsOf, pseudonymOf };
}

class PortTaken extends Error {}

/** A loopback port nothing listens on right now: the OS picks it, and we let it go for the server. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Resolves once `origin` answers any HTTP request; rejects when `exited` does or time runs out. */
async function untilAnswering(origin: string, exited: Promise<never>) {
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    const answered = await Promise.race([
      fetch(origin + "/", { redirect: "manual" }).then(
        (response) => response.body?.cancel().then(() => true) ?? true,
        () => false,
      ),
      exited,
    ]);
    if (answered) return;
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, 50)),
      exited,
    ]);
  }
  throw new Error(
    `the server did not answer on ${origin} within ${START_WAIT_MS} ms`,
  );
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    const lines = (pending + decoder.decode(chunk, { stream: true })).split(
      "\n",
    );
    pending = lines.pop()!;
    lines.forEach(onLine);
  }
  if (pending) onLine(pending);
}

function imageCodeEvent(line: string): { uuid: string; text: string } | null {
  if (!line.startsWith('{"event":"image_code"')) return null;
  try {
    const { uuid, text } = JSON.parse(line);
    return { uuid, text };
  } catch {
    return null;
  }
}

function smsEvent(line: string): { mobile: string; code: string } | null {
  if (!line.startsWith('{"event":"sms_code"')) return null;
  try {
    const { mobile, code } = JSON.parse(line);
    return { mobile, code };
  } catch {
    return null;
  }
}
