// New-user binds as load: wrk posts binds prepared ahead (bench/_binds.lua), each once, over
// `connections` for `seconds`. wrk spends a few µs of the cores on each, where a client in this
// process spent about 1 ms: on two cores the client's share is the server's loss.
import { bindForm, type PreparedBind } from "./_flow.ts";
import { runWrk } from "./_wrk.ts";

export interface BindLoad {
  /** Binds answered 303 (logged in) while wrk ran. */
  bound: number;
  seconds: number;
  perSecond: number;
  /** CPU wrk used, in ms. */
  clientCpuMs: number;
}

/** Posts `binds` with wrk for `seconds`; throws if one is refused, or if wrk ran out of them. */
export async function postBinds(
  origin: string,
  binds: PreparedBind[],
  { connections, seconds }: { connections: number; seconds: number },
): Promise<BindLoad> {
  const file = await Deno.makeTempFile({ prefix: "bench-binds-" });
  try {
    await Deno.writeTextFile(
      file,
      binds.map((bind) => `${bind.cookie}\t${bindForm(bind)}\n`).join(""),
    );
    // One thread: binds come at tens a second, and its connections then draw on one list of binds
    // (each wrk thread has a Lua state of its own, so threads would split the list between them, and
    // the thread whose connections an isolate answered faster would run out first).
    const threads = 1;
    const wrk = await runWrk(origin + "/oauth_callback", {
      threads,
      connections,
      seconds,
      // Binds queue for the hashers: each waits about connections ÷ rate, a second here.
      timeoutSeconds: 30,
      script: {
        path: new URL("./_binds.lua", import.meta.url).pathname,
        args: [file, String(threads)],
      },
    });
    const counted = JSON.parse(
      wrk.output.match(/^binds: (\{.*\})$/m)?.[1] ?? "null",
    ) as
      | { bound: number; refused: number; spare: number; seconds: number }
      | null;
    if (!counted) throw new Error(`wrk counted no binds:\n${wrk.output}`);
    if (counted.refused > 0 || counted.spare > 0) {
      throw new Error(
        `of the binds wrk posted, ${counted.refused} were refused and ${counted.spare} asked for past the last one:\n${wrk.output}`,
      );
    }
    return {
      bound: counted.bound,
      seconds: counted.seconds,
      perSecond: counted.bound / counted.seconds,
      clientCpuMs: wrk.clientCpuMs,
    };
  } finally {
    await Deno.remove(file);
  }
}
