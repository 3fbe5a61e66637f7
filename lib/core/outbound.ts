// The one way the app calls another server (a login provider, an SMS gateway, the SMS webhook):
// - a deadline on the whole exchange, answer included, that holds even when an injected fetch ignores
//   the signal (lib/core/deadline.ts);
// - redirects never followed: a 3xx is an answer, so a provider, a gateway or a forged base can't send
//   the server, its secrets or a code elsewhere;
// - an answer read up to a size cap, so a misbehaving server can't fill the memory;
// - failures named by kind only: fetch's own messages quote the URL, which may carry a key or a code.
import { deadline } from "./deadline.ts";
import { inSpan } from "./telemetry.ts";
import type { Timers } from "./timers.ts";

export const DEFAULT_TIMEOUT_MS = 5000;
/** No answer the app reads comes near this; a larger one is a failure. */
export const MAX_ANSWER_BYTES = 1 << 20;

export interface OutboundCall {
  url: string | URL;
  init?: RequestInit;
  fetch: typeof fetch;
  /** For the whole exchange, answer included; default 5000. */
  timeoutMs?: number;
  /** What the deadline runs on; the platform's timers by default. */
  timers?: Timers;
}

export type OutboundFailure = "timeout" | "network" | "too_large";

export type OutboundAnswer =
  | { ok: true; status: number; headers: Headers; text: string }
  | { ok: false; error: OutboundFailure };

/**
 * Makes `call` and reads its answer; never rejects. Its span names the host only: a path or a query
 * may carry a code or a key (a webhook URL often does).
 */
export function callOutside(call: OutboundCall): Promise<OutboundAnswer> {
  const url = new URL(call.url);
  return inSpan(`outbound ${url.host}`, {
    "server.address": url.hostname,
  }, async (span) => {
    const answer = await exchange(call);
    if (answer.ok) {
      span.setAttribute("http.response.status_code", answer.status);
    } else span.setAttribute("error.type", answer.error);
    return answer;
  });
}

async function exchange(call: OutboundCall): Promise<OutboundAnswer> {
  using limit = deadline(call.timeoutMs ?? DEFAULT_TIMEOUT_MS, call.timers);
  const { signal } = limit;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const working = (async (): Promise<OutboundAnswer> => {
    const response = await call.fetch(call.url, {
      ...call.init,
      signal,
      redirect: "manual",
    });
    const text = await readCapped(response);
    if (text === null) return { ok: false, error: "too_large" };
    return {
      ok: true,
      status: response.status,
      headers: response.headers,
      text,
    };
  })();
  working.catch(() => {}); // it may still fail after the deadline won
  try {
    return await Promise.race([working, aborted]);
  } catch {
    return { ok: false, error: signal.aborted ? "timeout" : "network" };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The body as text, or null past MAX_ANSWER_BYTES. */
async function readCapped(response: Response): Promise<string | null> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) return null; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** `text` as JSON; undefined when it isn't JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
