// How far an import has got, told while it runs: a bar redrawn in place on a terminal, else (a log, a
// pipe, CI) a line every few seconds. Times come from the clock it is given.

export interface ProgressOptions {
  /** Where the progress goes (standard error). */
  write: (text: string) => void;
  /** A terminal gets the bar; anything else gets lines. */
  terminal: boolean;
  now: () => number;
  /** Between two lines when not on a terminal. */
  everyMs?: number;
}

export interface Progress {
  update(done: number, total: number): void;
  /** Ends the bar's line (a terminal), or tells the last count (anything else). */
  end(): void;
}

const BAR_WIDTH = 30;
// A terminal is redrawn at most this often: a bar that changes faster reads no better.
const REDRAW_MS = 100;
export const LINE_EVERY_MS = 5_000;

export function progressReporter(
  { write, terminal, now, everyMs = LINE_EVERY_MS }: ProgressOptions,
): Progress {
  const started = now();
  let shownAt = -Infinity;
  let last: { done: number; total: number } | null = null;
  let shown: { done: number; total: number } | null = null;
  const show = () => {
    if (!last) return;
    shown = last;
    shownAt = now();
    const { done, total } = last;
    const share = total === 0 ? 1 : done / total;
    const counts = `${done.toLocaleString("en-US")} of ${
      total.toLocaleString("en-US")
    } users (${Math.floor(share * 100)}%)`;
    if (terminal) {
      const filled = Math.round(share * BAR_WIDTH);
      write(
        `\rimport [${"#".repeat(filled)}${
          "-".repeat(BAR_WIDTH - filled)
        }] ${counts}\x1b[K`,
      );
    } else {
      const seconds = Math.round((shownAt - started) / 1000);
      write(`import: ${counts} gone through, ${seconds} s\n`);
    }
  };
  return {
    update(done, total) {
      last = { done, total };
      if (now() - shownAt >= (terminal ? REDRAW_MS : everyMs)) show();
    },
    end() {
      if (last && last !== shown) show();
      if (terminal && shown) write("\n");
    },
  };
}
