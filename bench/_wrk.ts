// The load generator for pages: Debian's wrk (C, one event loop per thread), so the figures measure
// the server rather than a client sharing its cores. Installed with apt-get when missing.
import { aptInstall, which } from "./_apt.ts";

export interface WrkResult {
  perSecond: number;
  requests: number;
  /** Latency percentiles, in ms. */
  p50: number;
  p90: number;
  p99: number;
  /** Responses outside 2xx/3xx, and connect/read/write/timeout errors. */
  failures: number;
  /** CPU wrk itself used, in ms: what the server did not get of the cores. */
  clientCpuMs: number;
  /** What wrk printed, with what a script's `done` wrote. */
  output: string;
}

export interface WrkOptions {
  threads: number;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** A Lua script making the requests (`-s`), and its arguments (after `--`). */
  script?: { path: string; args: string[] };
  /** How long a request may take before wrk counts it as timed out (its default is 2 s). */
  timeoutSeconds?: number;
}

/** Makes sure `wrk` is on PATH, installing Debian's package as `.ci/run` installs what it needs. */
export async function ensureWrk(): Promise<string> {
  const found = await which("wrk");
  if (found) return found;
  const failed = await aptInstall(["wrk"]);
  const installed = !failed && await which("wrk");
  if (!installed) {
    throw new Error(
      `deno task bench needs wrk: \`apt-get install -y wrk\` failed (${failed})`,
    );
  }
  return installed;
}

/** `wrk -t<threads> -c<connections> -d<seconds>s --latency url`, parsed. */
export async function runWrk(
  url: string,
  { threads, connections, seconds, headers = {}, script, timeoutSeconds }:
    WrkOptions,
): Promise<WrkResult> {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    ...timeoutSeconds ? [`--timeout`, `${timeoutSeconds}s`] : [],
    ...Object.entries(headers).flatMap(([name, value]) => [
      "-H",
      `${name}: ${value}`,
    ]),
    ...script ? ["-s", script.path] : [],
    url,
    ...script ? ["--", ...script.args] : [],
  ];
  const childCpuBefore = childrenCpuMs();
  const { success, stdout, stderr } = await new Deno.Command("wrk", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (!success) {
    throw new Error(
      `wrk ${args.join(" ")} failed:\n${text}${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  return {
    ...parseWrk(text),
    clientCpuMs: childrenCpuMs() - childCpuBefore,
    output: text,
  };
}

export function parseWrk(
  text: string,
): Omit<WrkResult, "clientCpuMs" | "output"> {
  const number = (pattern: RegExp) => {
    const match = text.match(pattern);
    if (!match) throw new Error(`wrk's output has no ${pattern}:\n${text}`);
    return Number(match[1]);
  };
  const percentile = (p: number) => {
    const match = text.match(
      new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m"),
    );
    if (!match) throw new Error(`wrk's output has no ${p}% latency:\n${text}`);
    const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as "us" | "ms" | "s"];
    return Number(match[1]) * scale;
  };
  const socketErrors = text.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const non2xx = text.match(/Non-2xx or 3xx responses: (\d+)/);
  return {
    perSecond: number(/^Requests\/sec:\s+([\d.]+)/m),
    requests: number(/^\s+(\d+) requests in /m),
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    failures: (non2xx ? Number(non2xx[1]) : 0) +
      (socketErrors
        ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0)
        : 0),
  };
}

/** CPU of this process's waited-for children (cutime + cstime), in ms; 0 off Linux. */
function childrenCpuMs(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}
