// Timers a test moves by hand (lib/core/timers.ts): nothing fires until the test says time has passed,
// so a deadline or an idle thread's end happens exactly when the story says, however busy the machine.
import type { Timers } from "@/lib/core/timers.ts";

export interface ManualTimers extends Timers {
  /** The time the test has moved through so far, in ms. */
  readonly now: number;
  /** The waits set and neither fired nor cancelled. */
  pending(): number;
  /** Moves time on by `ms`, firing in order every wait that comes due on the way. */
  advance(ms: number): void;
}

export function manualTimers(): ManualTimers {
  let now = 0;
  let nextId = 0;
  const waits = new Map<number, { at: number; fire: () => void }>();
  return {
    get now() {
      return now;
    },
    after(ms, fire) {
      const id = nextId++;
      waits.set(id, { at: now + ms, fire });
      return () => waits.delete(id);
    },
    pending: () => waits.size,
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...waits].filter(([, wait]) => wait.at <= until)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (!due) break;
        const [id, { at, fire }] = due;
        waits.delete(id);
        now = at;
        fire();
      }
      now = until;
    },
  };
}
