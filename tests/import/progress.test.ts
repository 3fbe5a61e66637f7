import { deepEqual, equal, match } from "node:assert/strict";
import { progressReporter } from "@/lib/import/progress.ts";

function reporter(terminal: boolean) {
  const clock = { now: 0 };
  const written: string[] = [];
  const progress = progressReporter({
    write: (text) => written.push(text),
    terminal,
    now: () => clock.now,
  });
  return { clock, written, progress };
}

Deno.test("not on a terminal, a line every five seconds, and the last count at the end", () => {
  const { clock, written, progress } = reporter(false);
  progress.update(0, 100_000);
  for (let done = 512; done < 100_000; done += 512) {
    clock.now += 1_000;
    progress.update(done, 100_000);
  }
  clock.now += 400;
  progress.update(100_000, 100_000);
  progress.end();
  equal(written[0], "import: 0 of 100,000 users (0%) gone through, 0 s\n");
  match(
    written[1],
    /^import: 2,560 of 100,000 users \(2%\) gone through, 5 s\n$/,
  );
  equal(
    written.at(-1),
    "import: 100,000 of 100,000 users (100%) gone through, 195 s\n",
  );
  equal(written.length, 1 + Math.floor(195 / 5) + 1);
});

Deno.test("on a terminal, one bar redrawn in place at most ten times a second, ended with a newline", () => {
  const { clock, written, progress } = reporter(true);
  progress.update(0, 1_000);
  progress.update(500, 1_000); // too soon to redraw
  clock.now += 100;
  progress.update(600, 1_000);
  progress.end();
  deepEqual(written, [
    "\rimport [------------------------------] 0 of 1,000 users (0%)\x1b[K",
    "\rimport [##################------------] 600 of 1,000 users (60%)\x1b[K",
    "\n",
  ]);
});
