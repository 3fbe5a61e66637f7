// One import of a Django shop into the store: the source planned as a whole, then written in batches,
// progress told after each, and the summary the operator reads at the end. Running it again imports
// nothing twice (the ledger and the users' ids come from Django's keys), and a run killed at any point
// then run again ends with the store one uninterrupted run would have made.
import { planSource, SKIP_REASONS } from "./plan.ts";
import type { ShopSource } from "./source.ts";
import { readLedger } from "./ledger.ts";
import { emptyTally, importBatch, type Tally } from "./writer.ts";

export interface ImportOptions {
  /** Decide and count everything, write nothing. */
  dryRun?: boolean;
  /** Users read from the store at once; each batch is then written in as few commits as fit. */
  batchSize?: number;
  /** After each batch: users gone through, of `total` (every user of the source). */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport extends Tally {
  dryRun: boolean;
}

// 20 full commits of 25 users, each with its binding (4 checks a user, of the 100 a commit may hold).
const BATCH_SIZE = 500;

export async function importShop(
  kv: Deno.Kv,
  source: ShopSource,
  { dryRun = false, batchSize = BATCH_SIZE, onProgress }: ImportOptions = {},
): Promise<ImportReport> {
  const plan = planSource(source);
  const tally = emptyTally();
  tally.skipped = new Map(plan.skipped);
  const known = await readLedger(kv);
  const ruledOut = plan.total - plan.candidates.length;
  onProgress?.(ruledOut, plan.total);
  // Two batches at a time: the next is read and decided while the store commits this one. The plan
  // gives no two candidates a username, mobile or openid in common, so their writes never meet and the
  // store ends as one batch after the other would have left it.
  let previous: { work: Promise<void>; done: number } | null = null;
  for (let i = 0; i < plan.candidates.length; i += batchSize) {
    const batch = plan.candidates.slice(i, i + batchSize);
    const work = importBatch(kv, batch, tally, known, { dryRun });
    work.catch(() => {}); // awaited below, after the batch before it
    if (previous) {
      await previous.work;
      onProgress?.(ruledOut + previous.done, plan.total);
    }
    previous = { work, done: i + batch.length };
  }
  if (previous) {
    await previous.work;
    onProgress?.(ruledOut + previous.done, plan.total);
  }
  return { ...tally, dryRun };
}

/**
 * `import: 98 users, 97 QQ bindings imported; 9 skipped (2 bad mobile, 1 inactive); 3 already there`,
 * or for a dry run what would be imported.
 */
export function summaryLine(report: ImportReport): string {
  const reasons = SKIP_REASONS.flatMap((reason) => {
    const count = report.skipped.get(reason) ?? 0;
    return count > 0 ? [`${count} ${reason}`] : [];
  });
  const skipped = [...report.skipped.values()].reduce((a, b) => a + b, 0);
  const imported = `${report.users} users, ${report.bindings} QQ bindings`;
  return `${report.dryRun ? "import --dry-run" : "import"}: ${imported} ${
    report.dryRun ? "would be imported" : "imported"
  }; ${skipped} skipped (${
    reasons.length > 0 ? reasons.join(", ") : "none"
  }); ${report.already} already there`;
}
