// Runs bcrypt off the main thread; one message in, one answer out. In C (the system's libxcrypt)
// where Deno may load it, else in hash-wasm's WebAssembly; the hashes are the same either way. The
// Django hashes of imported accounts are checked here too, so they never stall the main thread either.
import { bcrypt, bcryptVerify } from "hash-wasm";
import { setPriority } from "node:os";
import { BCRYPT_HASH, type NativeBcrypt, openLibxcrypt } from "./_libxcrypt.ts";
import { djangoAlgorithm, verifyDjangoHash } from "./django_hashes.ts";

export type PasswordJob =
  | { id: number; kind: "hash"; password: string; cost: number }
  | { id: number; kind: "verify"; password: string; hash: string };

export type PasswordAnswer = { id: number; result: string | boolean } | {
  id: number;
  error: string;
};

let native: NativeBcrypt | null | undefined;
/** This thread's libxcrypt, looked for at its first job: null where it cannot be used. */
export function nativeBcrypt(): NativeBcrypt | null {
  return native === undefined ? native = openLibxcrypt() : native;
}

/** Runs `job` in libxcrypt (`inC`), or in hash-wasm when that is null. */
export async function runPasswordJob(
  job: PasswordJob,
  inC: NativeBcrypt | null = nativeBcrypt(),
): Promise<string | boolean> {
  if (job.kind === "hash") {
    if (inC) return inC.hash(job.password, job.cost);
    const salt = crypto.getRandomValues(new Uint8Array(16));
    return await bcrypt({
      password: job.password,
      salt,
      costFactor: job.cost,
      outputType: "encoded",
    });
  }
  const checkBcrypt = async (password: string | Uint8Array, hash: string) => {
    if (!BCRYPT_HASH.test(hash)) return false;
    if (inC) return inC.verify(password, hash);
    return await bcryptVerify({ password, hash }).catch(() => false);
  };
  if (djangoAlgorithm(job.hash)) {
    return await verifyDjangoHash(job.password, job.hash, checkBcrypt);
  }
  return await checkBcrypt(job.password, job.hash);
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
