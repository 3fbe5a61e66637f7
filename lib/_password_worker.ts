// Runs bcrypt off the main thread; one message in, one answer out.
import { bcrypt, bcryptVerify } from "hash-wasm";

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
