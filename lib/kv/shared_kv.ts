// Deno KV on a SQLite file that several connections write: the isolates of `deno task serve`
// each open their own, as does a second process on the same file. A write that finds the file locked
// by another connection fails at once with "database is locked" (SQLite's busy wait is not set), and
// such a write changed nothing, so it is tried again after a short random pause.
// A listing is not retried: it would start again mid-way (only the QQ simulator's page lists).

/** About 2 s of tries in all: far longer than any one commit holds the lock. */
const LOCKED_RETRIES = 400;
const MAX_PAUSE_MS = 10;

/**
 * `Deno.openKv(path)`, whose writes wait out another connection's lock instead of failing. Opening
 * can meet the lock too: isolates that start together each open the file, and the first to arrive
 * may still be setting it up.
 */
export async function openSharedKv(
  path: string | undefined,
  open: (path?: string) => Promise<Deno.Kv> = Deno.openKv,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<Deno.Kv> {
  return retryingWhenLocked(await whileLocked(() => open(path), pause), pause);
}

/** Reads, which can meet the lock too while a write resets the log, and writes, all safe to repeat. */
const RETRIED = new Set<string | symbol>(["get", "getMany", "set", "delete"]);

/** `kv` with `get`, `getMany`, `set`, `delete` and `atomic().commit()` tried again while the file is locked. */
export function retryingWhenLocked(
  kv: Deno.Kv,
  pause: (ms: number) => Promise<void> = sleep,
): Deno.Kv {
  const retry = <T>(write: () => Promise<T>) => whileLocked(write, pause);
  return new Proxy(kv, {
    get(target, property) {
      if (property === "atomic") {
        return () => {
          const operation = target.atomic();
          const commit = operation.commit.bind(operation);
          // The builder methods return the operation itself, so the retrying commit stays on it.
          operation.commit = () => retry(commit);
          return operation;
        };
      }
      if (RETRIED.has(property)) {
        const call = Reflect.get(target, property) as (
          ...args: unknown[]
        ) => Promise<unknown>;
        return (...args: unknown[]) => retry(() => call.apply(target, args));
      }
      const value = Reflect.get(target, property, target);
      // Deno.Kv keeps its state in private fields: its methods must run on the real object.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** `operation()`, tried again after a short random pause while it fails because the file is locked. */
async function whileLocked<T>(
  operation: () => Promise<T>,
  pause: (ms: number) => Promise<void>,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isLocked(error) || attempt >= LOCKED_RETRIES) throw error;
      await pause(Math.min(attempt, MAX_PAUSE_MS) * Math.random());
    }
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
