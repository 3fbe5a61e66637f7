// bcrypt hashing on a small pool of workers (one per core), so a hash never stalls other requests.
// The pool starts with the first job, not with the process: bcrypt's code is loaded only where and
// when it runs, which keeps it out of every start-up and off the thread that answers requests.
import type { PasswordAnswer, PasswordJob } from "./_password_worker.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends one verification's worth of work, so a login for an unknown user costs what a real one does. */
  verifyNothing(password: string): Promise<void>;
  close(): void;
  /** Ends the workers once the jobs they hold are done; any later job runs on the calling thread. */
  closeWhenIdle(): void;
}

type Pending = {
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
};
type Distributed<T> = T extends unknown ? Omit<T, "id"> : never;

/** A hasher at `cost` running on `size` workers; with no Worker support (some hosts) it hashes in place. */
export function createPasswordHasher(
  cost: number,
  size = navigator.hardwareConcurrency || 1,
): PasswordHasher {
  const workers: Worker[] = [];
  const queueDepth: number[] = [];
  let started = false;
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let dummyHash: Promise<string> | undefined;
  let retiring = false;
  const retireIfIdle = () => {
    if (!retiring || pending.size > 0) return;
    for (const worker of workers) worker.terminate();
    workers.length = 0;
  };

  const start = () => {
    started = true;
    workers.push(...startWorkers(size));
    workers.forEach((worker, index) => {
      queueDepth[index] = 0;
      worker.onmessage = ({ data }: MessageEvent<PasswordAnswer>) => {
        queueDepth[index]--;
        const job = pending.get(data.id);
        pending.delete(data.id);
        if ("error" in data) job?.reject(new Error(data.error));
        else job?.resolve(data.result);
        retireIfIdle();
      };
    });
  };

  async function run(job: Distributed<PasswordJob>): Promise<string | boolean> {
    const id = nextId++;
    if (!started && !retiring) start();
    if (workers.length === 0) {
      const { runPasswordJob } = await import("./_password_worker.ts");
      return runPasswordJob({ ...job, id } as PasswordJob);
    }
    const index = queueDepth.indexOf(Math.min(...queueDepth));
    queueDepth[index]++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      workers[index].postMessage({ ...job, id });
    });
  }

  const hasher: PasswordHasher = {
    hash: (password) =>
      run({ kind: "hash", password, cost }) as Promise<string>,
    verify: (password, hash) =>
      run({ kind: "verify", password, hash }) as Promise<boolean>,
    async verifyNothing(password) {
      dummyHash ??= hasher.hash(crypto.randomUUID());
      await hasher.verify(password, await dummyHash);
    },
    close() {
      // No pool after this: a job that still comes runs in place rather than waiting on a closed one.
      started = true;
      for (const worker of workers) worker.terminate();
      workers.length = 0;
      for (const job of pending.values()) {
        job.reject(new Error("password hasher closed"));
      }
      pending.clear();
    },
    closeWhenIdle() {
      retiring = true;
      retireIfIdle();
    },
  };
  return hasher;
}

function startWorkers(size: number): Worker[] {
  try {
    return Array.from(
      { length: size },
      () =>
        new Worker(new URL("./_password_worker.ts", import.meta.url), {
          type: "module",
        }),
    );
  } catch {
    return [];
  }
}
