// Runs bcrypt off the main thread; one message in, one answer out.
import { bcrypt, bcryptVerify } from "hash-wasm";
import { setPriority } from "node:os";

export type PasswordJob =
  | { id: number; kind: "hash"; password: string; cost: number }
  | { id: number; kind: "verify"; password: string; hash: string };

export type PasswordAnswer = { id: number; result: string | boolean } | {
  id: number;
  error: string;
};

export function runPasswordJob(job: PasswordJob): Promise<string | boolean> {
  if (job.kind === "hash") {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    return bcrypt({
      password: job.password,
      salt,
      costFactor: job.cost,
      outputType: "encoded",
    });
  }
  return bcryptVerify({ password: job.password, hash: job.hash }).catch(() =>
    false
  );
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (
  typeof scope.WorkerGlobalScope !== "undefined" &&
  scope instanceof scope.WorkerGlobalScope
) {
  lowerThisThreadsPriority();
  scope.onmessage = async ({ data: job }: MessageEvent<PasswordJob>) => {
    try {
      scope.postMessage(
        {
          id: job.id,
          result: await runPasswordJob(job),
        } satisfies PasswordAnswer,
      );
    } catch (error) {
      scope.postMessage(
        { id: job.id, error: String(error) } satisfies PasswordAnswer,
      );
    }
  };
}

/**
 * Hashing is batch work: at the lowest priority it still fills idle cores, but a page request on the main
 * thread gets the core at once. On Linux setpriority(0) names the calling thread; elsewhere this may fail.
 */
function lowerThisThreadsPriority(): void {
  try {
    setPriority(0, 19);
  } catch {
    // Not allowed or not supported: hash at normal priority.
  }
}
