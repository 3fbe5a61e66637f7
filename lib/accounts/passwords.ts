// bcrypt hashing on threads of its own (workers), so a hash never stalls other requests: one per core
// for the whole process at most, shared with its other isolates (lib/accounts/hashing_budget.ts).
// Threads start as jobs come, not with the process: bcrypt's code is loaded only where and when it
// runs, which keeps it out of every start-up and off the thread that answers requests.
import { inSpan } from "@/lib/core/telemetry.ts";
import type { PasswordAnswer, PasswordJob } from "./_password_worker.ts";
import { BCRYPT_HASH } from "./_libxcrypt.ts";
import { djangoAlgorithm } from "./django_hashes.ts";
import { ALONE, type HashingBudget } from "./hashing_budget.ts";
import { REAL_TIMERS, type Timers } from "@/lib/core/timers.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Whether `password` matches `hash`: the app's bcrypt, or a Django hash an imported account brought
   * (lib/accounts/django_hashes.ts). Any other hash, an unusable one (`!…`) included, matches nothing,
   * after the same work as a real check, so the answer's timing does not tell such an account apart.
   */
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends one verification's worth of work, so a login for an unknown user costs what a real one does. */
  verifyNothing(password: string): Promise<void>;
  close(): void;
  /** Ends the workers once the jobs they hold are done; any later job runs on the calling thread. */
  closeWhenIdle(): void;
  /** The hashing threads it runs now, idle or not. */
  threads(): number;
}

type Distributed<T> = T extends unknown ? Omit<T, "id"> : never;
interface Job {
  message: Distributed<PasswordJob>;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

interface HashingThread {
  worker: Worker;
  job: Job | null;
  /** While idle: cancels the timer that ends it. */
  idleTimer: (() => void) | null;
}

export interface HasherOptions {
  /** What the other isolates of this process hash on (`deno serve --parallel`): they share the cores. */
  budget?: HashingBudget;
  /** A thread with nothing to hash for this long ends. */
  idleMs?: number;
  /** What that wait runs on; the platform's timers by default. */
  timers?: Timers;
}

const IDLE_MS = 60_000;

/**
 * A hasher at `cost` hashing on up to `cores` threads of its own, started as jobs come and while the
 * process (with `budget`'s other isolates) hashes on fewer threads than that; at least one whenever it
 * has a job. With `cores` 0, or no Worker support (some hosts), it hashes in place.
 */
export function createPasswordHasher(
  cost: number,
  cores = navigator.hardwareConcurrency || 1,
  { budget = ALONE, idleMs = IDLE_MS, timers = REAL_TIMERS }: HasherOptions =
    {},
): PasswordHasher {
  const threads: HashingThread[] = [];
  const waiting: Job[] = [];
  // After close(), or with nothing to start threads with: every job runs on the calling thread.
  let inPlace = cores <= 0;
  let retiring = false;
  let nextId = 0;
  let dummyHash: Promise<string> | undefined;

  const hashing = () => threads.filter((thread) => thread.job).length;
  const end = (thread: HashingThread) => {
    thread.idleTimer?.();
    thread.worker.terminate();
    threads.splice(threads.indexOf(thread), 1);
  };
  const endAll = () => {
    for (const thread of [...threads]) end(thread);
    budget.hashing(0);
    budget.close();
  };
  const startThread = (): HashingThread | null => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./_password_worker.ts", import.meta.url), {
        type: "module",
      });
    } catch {
      return null;
    }
    const thread: HashingThread = { worker, job: null, idleTimer: null };
    worker.onmessage = ({ data }: MessageEvent<PasswordAnswer>) => {
      const job = thread.job;
      thread.job = null;
      if ("error" in data) job?.reject(new Error(data.error));
      else job?.resolve(data.result);
      dispatch();
    };
    threads.push(thread);
    return thread;
  };
  const mayStartAnother = () =>
    threads.length === 0 ||
    (threads.length < cores && hashing() + budget.othersHashing() < cores);

  const give = (thread: HashingThread, job: Job) => {
    thread.idleTimer?.();
    thread.idleTimer = null;
    thread.job = job;
    thread.worker.postMessage({ ...job.message, id: nextId++ });
  };
  const idle = (thread: HashingThread) => {
    if (thread.job || thread.idleTimer !== null) return;
    // An idle thread does not keep the process alive.
    thread.idleTimer = timers.after(idleMs, () => end(thread), { unref: true });
  };

  /** Hands waiting jobs to idle threads, starting threads while the budget allows. */
  function dispatch() {
    while (waiting.length > 0) {
      const thread = threads.find((thread) => !thread.job) ??
        (mayStartAnother() ? startThread() : null);
      if (thread) {
        give(thread, waiting.shift()!);
      } else if (threads.length === 0) {
        // No Worker here: hash in place from now on.
        inPlace = true;
        for (const job of waiting.splice(0)) runInPlace(job);
      } else {
        break;
      }
    }
    budget.hashing(hashing());
    if (retiring && hashing() === 0) {
      inPlace = true;
      endAll();
      return;
    }
    threads.forEach(idle);
  }

  async function runInPlace({ message, resolve, reject }: Job) {
    try {
      const { runPasswordJob } = await import("./_password_worker.ts");
      resolve(
        await runPasswordJob({ ...message, id: nextId++ } as PasswordJob),
      );
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function run(message: Distributed<PasswordJob>): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const job = { message, resolve, reject };
      if (inPlace || retiring) {
        runInPlace(job);
        return;
      }
      waiting.push(job);
      dispatch();
    });
  }

  const hasher: PasswordHasher = {
    hash: (password) =>
      inSpan(
        "password.hash",
        { "password.cost": cost },
        () => run({ kind: "hash", password, cost }) as Promise<string>,
      ),
    async verify(password, hash) {
      if (BCRYPT_HASH.test(hash) || djangoAlgorithm(hash)) {
        return await inSpan(
          "password.verify",
          {},
          () => run({ kind: "verify", password, hash }) as Promise<boolean>,
        );
      }
      await hasher.verifyNothing(password);
      return false;
    },
    async verifyNothing(password) {
      dummyHash ??= hasher.hash(crypto.randomUUID());
      await hasher.verify(password, await dummyHash);
    },
    close() {
      // No threads after this: a job that still comes runs in place rather than waiting on a closed one.
      inPlace = true;
      const dropped = [
        ...waiting.splice(0),
        ...threads.flatMap((thread) => thread.job ?? []),
      ];
      endAll();
      for (const job of dropped) {
        job.reject(new Error("password hasher closed"));
      }
    },
    closeWhenIdle() {
      retiring = true;
      dispatch();
    },
    threads: () => threads.length,
  };
  return hasher;
}
