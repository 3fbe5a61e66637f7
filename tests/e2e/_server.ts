// The real app as a subprocess (`deno run -A main.ts`) on a free loopback port, with a fresh KV file and
// the QQ simulator; its stdout doubles as the phone that receives the SMS codes.

const ROOT = new URL("../../", import.meta.url);
const START_TIMEOUT_MS = 30_000;
const SMS_TIMEOUT_MS = 5_000;

export interface RunningApp extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The oldest SMS code sent to `mobile` and not read yet; waits for it like a phone does. */
  readSms(mobile: string): Promise<string>;
  /** Kills the server and removes its KV file; safe to call twice. */
  stop(): Promise<void>;
}

interface Sms {
  mobile: string;
  code: string;
  read: boolean;
}

export async function startApp(): Promise<RunningApp> {
  const dir = await Deno.makeTempDir({ prefix: "e2e-app-" });
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DENO_KV_PATH: `${dir}/app.kv`,
      SECRET_KEY: randomHex(32),
      BCRYPT_COST: "4",
      APP_ENV: "development",
      SMS_PROVIDER: "console",
      // Empty counts as unset: whatever the shell holds, the app uses its QQ simulator.
      QQ_CLIENT_ID: "",
      QQ_CLIENT_SECRET: "",
      QQ_API_BASE: "",
      QQ_REDIRECT_URI: "",
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const output: string[] = [];
  const inbox: Sms[] = [];
  const reading = Promise.all([
    forEachLine(child.stdout, (line) => {
      output.push(line);
      const sms = parseSmsLine(line);
      if (sms) inbox.push({ ...sms, read: false });
    }),
    forEachLine(child.stderr, (line) => output.push(line)),
  ]);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // It has already exited.
      }
      await child.status;
      await reading;
      await Deno.remove(dir, { recursive: true });
    })();

  try {
    await untilAnswering(origin, child.status, output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    origin,
    async readSms(mobile) {
      const deadline = Date.now() + SMS_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const sms = inbox.find((sms) => sms.mobile === mobile && !sms.read);
        if (sms) {
          sms.read = true;
          return sms.code;
        }
        await delay(20);
      }
      throw new Error(
        `No SMS code for ${mobile} on the server's stdout within ${SMS_TIMEOUT_MS} ms:\n${
          output.join("\n")
        }`,
      );
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** `{"event":"sms_code","mobile":"138…","code":"123456","ttl":300}`, the console SMS provider's line. */
function parseSmsLine(line: string): { mobile: string; code: string } | null {
  if (!line.startsWith("{")) return null;
  try {
    const event = JSON.parse(line);
    return event.event === "sms_code"
      ? { mobile: event.mobile, code: event.code }
      : null;
  } catch {
    return null;
  }
}

/** Polls until the server answers any HTTP request; fails early, with its output, if it exits instead. */
async function untilAnswering(
  origin: string,
  exited: Promise<Deno.CommandStatus>,
  output: string[],
) {
  let exitCode: number | null = null;
  exited.then((status) => exitCode = status.code);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== null) {
      throw new Error(
        `The app exited with code ${exitCode} before answering:\n${
          output.join("\n")
        }`,
      );
    }
    try {
      const response = await fetch(origin + "/");
      await response.body?.cancel();
      return;
    } catch {
      await delay(100);
    }
  }
  throw new Error(
    `The app did not answer on ${origin} within ${START_TIMEOUT_MS} ms:\n${
      output.join("\n")
    }`,
  );
}

async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
) {
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

/** A port nothing listens on right now: the OS picks one, and we let it go for the app to take. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
