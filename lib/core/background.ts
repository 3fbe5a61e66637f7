// Work that goes on after the answer has left (an SMS handed to a slow gateway). Deno Deploy has no
// queue to hand it to, so the promise is kept here: the server waits for what is kept before it stops,
// and a test waits for it instead of sleeping.

export interface Background {
  /** Lets `work` finish after the answer; a rejection is logged (kind only), never thrown. */
  keep(work: Promise<unknown>): void;
  /** Resolves once everything kept so far, and anything kept while waiting, has finished. */
  settled(): Promise<void>;
}

export function createBackground(): Background {
  const pending = new Set<Promise<unknown>>();
  return {
    keep(work) {
      const kept = work.catch((error) => {
        // Only its kind: a message may quote a URL, a mobile or a code.
        const kind = error instanceof Error ? error.name : typeof error;
        console.error(JSON.stringify({ event: "background_failed", kind }));
      }).finally(() => pending.delete(kept));
      pending.add(kept);
    },
    async settled() {
      while (pending.size) await Promise.all(pending);
    },
  };
}
