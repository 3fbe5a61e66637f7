// One call to a provider's API, the same way for every provider: redirects are never followed (a 3xx is
// an answer, which the client refuses, so a provider or a forged base can't send the server elsewhere),
// the timeout holds even when an injected fetch ignores the signal, and fetch's own errors, which quote
// the URL with its secret and code, never leave.
import { deadline } from "@/lib/core/deadline.ts";
import { ProviderError } from "../social/provider.ts";

export interface ProviderCall {
  url: string;
  init?: RequestInit;
  fetch: typeof fetch;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/** The answer's status and text; `fail("timeout" | "network")` makes the provider's error otherwise. */
export async function callProvider(
  call: ProviderCall,
  fail: (kind: "timeout" | "network") => ProviderError,
): Promise<{ status: number; text: string }> {
  using limit = deadline(call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const { signal } = limit;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(fail("timeout"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const working = (async () => {
    const response = await call.fetch(call.url, {
      ...call.init,
      signal,
      redirect: "manual",
    });
    return { status: response.status, text: await response.text() };
  })();
  working.catch(() => {}); // it may still fail after the timeout won
  try {
    return await Promise.race([working, aborted]);
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw fail(signal.aborted ? "timeout" : "network");
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
