// The cores a process's isolates share for hashing. `deno serve --parallel` runs one isolate per core,
// each with its own hasher, and hands a new connection to whichever isolate accepts first: 16
// connections opened together often all land in one of two isolates, so a hasher held to its
// isolate's share of the cores would leave the rest idle. Each hasher instead says over a
// BroadcastChannel (which reaches every isolate of the process) how many of its threads are hashing,
// and starts another only while the process as a whole hashes on fewer threads than it has cores.

export interface HashingBudget {
  /** Threads the other isolates of this process are hashing on, as they last said. */
  othersHashing(): number;
  /** Tells the others how many threads this isolate is hashing on now. */
  hashing(count: number): void;
  close(): void;
}

/** For a process whose only isolate is this one. */
export const ALONE: HashingBudget = {
  othersHashing: () => 0,
  hashing() {},
  close() {},
};

type Said =
  | { from: string; hashing: number; hello?: true }
  | { from: string; bye: true };

/** The budget shared with this process's other isolates over the channel `name`. */
export function sharedHashingBudget(name = "bcrypt-hashing"): HashingBudget {
  const self = crypto.randomUUID();
  const channel = new BroadcastChannel(name);
  const others = new Map<string, number>();
  let mine = 0;
  let closed = false;
  const say = (said: Said) => {
    if (!closed) channel.postMessage(said);
  };
  channel.onmessage = ({ data }: MessageEvent<Said>) => {
    if (data.from === self) return;
    if ("bye" in data) {
      others.delete(data.from);
      return;
    }
    others.set(data.from, data.hashing);
    // An isolate that just started asks: the others answer with what they do.
    if (data.hello) say({ from: self, hashing: mine });
  };
  say({ from: self, hashing: 0, hello: true });
  return {
    othersHashing: () => [...others.values()].reduce((sum, n) => sum + n, 0),
    hashing(count) {
      if (count === mine) return;
      mine = count;
      say({ from: self, hashing: count });
    },
    close() {
      say({ from: self, bye: true });
      closed = true;
      channel.close();
    },
  };
}
