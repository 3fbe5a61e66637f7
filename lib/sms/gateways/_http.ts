// One exchange with an SMS gateway: a deadline on all of it, answer included; redirects never
// followed (a gateway that moves is a failure, not a reason to send the code elsewhere); and failures
// named without fetch's messages, which quote the URL, and Aliyun's URL carries the code.
import { deadline } from "@/lib/core/deadline.ts";
import type { GatewayOptions } from "../gateway.ts";

export const DEFAULT_TIMEOUT_MS = 5000;

export type Exchange =
  | {
    ok: true;
    status: number;
    headers: Headers;
    /** The body as JSON; undefined when it isn't JSON. */
    body: unknown;
  }
  | { ok: false; error: "timeout" | "network" };

export async function exchange(
  options: GatewayOptions,
  url: URL,
  init: { headers: Record<string, string>; body?: string },
): Promise<Exchange> {
  using limit = deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const { signal } = limit;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const working = (async () => {
    const response = await options.fetch(url, {
      method: "POST",
      ...init,
      redirect: "manual",
      signal,
    });
    return { response, text: await response.text() };
  })();
  working.catch(() => {}); // it may still fail after the deadline won
  try {
    // Raced, since an injected fetch may ignore the signal.
    const { response, text } = await Promise.race([working, aborted]);
    return {
      ok: true,
      status: response.status,
      headers: response.headers,
      body: parseJson(text),
    };
  } catch {
    return { ok: false, error: signal.aborted ? "timeout" : "network" };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
