// The load generator: a fixed number of requests, at most `concurrency` at a time, after a warm-up
// that is not counted. Each request is timed from sending to the last byte of its body.

export interface LoadOptions {
  count: number;
  concurrency: number;
  warmup?: number;
  /** Stops sending when aborted; what was measured so far is kept. */
  signal?: AbortSignal;
}

export interface LoadResult {
  count: number;
  seconds: number;
  perSecond: number;
  /** Sorted, in ms. */
  latencies: number[];
}

/** Calls `request(i, false)` for i = 0…count-1, after `request(i, true)` for i = 0…warmup-1 untimed. */
export async function runLoad(
  request: (i: number, warmup: boolean) => Promise<void>,
  { count, concurrency, warmup = 0, signal }: LoadOptions,
): Promise<LoadResult> {
  if (warmup > 0) {
    await inParallel(warmup, concurrency, (i) => request(i, true), signal);
  }
  const latencies: number[] = [];
  const started = performance.now();
  await inParallel(count, concurrency, async (i) => {
    const sent = performance.now();
    await request(i, false);
    latencies.push(performance.now() - sent);
  }, signal);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latencies,
  };
}

/** Runs `task(0…count-1)` with at most `concurrency` running; the first failure stops the rest. */
export async function inParallel(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < count && !failed && !signal?.aborted) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** The value below which `p` percent of the sorted `values` fall (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** GETs `url` and reads the whole body; anything but `status` is an error. */
export async function get(url: string, status = 200): Promise<string> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== status) {
    throw new Error(
      `GET ${url} answered ${response.status}: ${body.slice(0, 200)}`,
    );
  }
  return body;
}
