// The batched writer: decides each candidate of a batch (import it, add the QQ binding an earlier run
// could not, or skip it and say why) and commits the decisions many to a commit, within Deno KV's
// limits. Each user goes with its binding and its ledger entry in one commit, with a check on every key
// it must not overwrite, so a user is never half-written and nothing is overwritten. A user no run has
// imported is written without reading first, as most are on a first run: the checks are the truth, and
// only a commit they fail has its users read and decided again. A dry run reads and decides them all
// and commits nothing.
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import {
  createUserIn,
  mobileKey,
  type User,
  userKey,
  usernameKey,
} from "@/lib/accounts/users.ts";
import {
  bindIn,
  type Binding,
  bindingByUserKey,
  bindingKey,
} from "@/lib/social/bindings.ts";
import { importedUserKey, type Known } from "./ledger.ts";
import type { Candidate, SkipReason } from "./plan.ts";

/** What an import did (or, dry, would do). */
export interface Tally {
  users: number;
  bindings: number;
  /** Users and bindings an earlier run imported. */
  already: number;
  skipped: Map<SkipReason, number>;
}

export function emptyTally(): Tally {
  return { users: 0, bindings: 0, already: 0, skipped: new Map() };
}

// Deno KV's limits for one atomic commit, with room to spare for its own framing.
export const COMMIT_LIMITS = {
  checks: 100,
  mutations: 1000,
  bytes: 700 * 1024,
  keyBytes: 70 * 1024,
} as const;
const GET_MANY_LIMIT = 10;

interface Outcome {
  users?: number;
  bindings?: number;
  already?: number;
  skips?: SkipReason[];
}

/** One candidate's decision: what it adds to a commit (nothing for a skip), and what it counts for. */
interface Decision {
  candidate: Candidate;
  write?: {
    checks: number;
    mutations: number;
    bytes: number;
    keyBytes: number;
    add: (op: Deno.AtomicOperation) => void;
  };
  outcome: Outcome;
}

/**
 * Imports `candidates`, counting into `tally`; dry, decides and counts without writing. A user no run
 * imported yet is written at once, its commit checking every key: only when a commit fails (someone has
 * one of its keys) are its users read and decided one by one. A dry run reads them all.
 */
export async function importBatch(
  kv: Deno.Kv,
  candidates: Candidate[],
  tally: Tally,
  known: Known,
  { dryRun = false } = {},
): Promise<void> {
  const toRead: Candidate[] = [];
  const optimistic: Decision[] = [];
  for (const candidate of candidates) {
    if (known.imported.has(candidate.djangoId) && !candidate.binding) {
      count(tally, { already: 1 });
    } else if (known.imported.has(candidate.djangoId) || dryRun) {
      toRead.push(candidate);
    } else {
      optimistic.push(newUser(candidate, candidate.binding));
    }
  }
  const read = await decide(kv, toRead);
  if (dryRun) {
    for (const decision of read) count(tally, decision.outcome);
    return;
  }
  const failed = await commitAll(kv, [...optimistic, ...read], tally);
  const again = await commitAll(kv, await decide(kv, failed), tally);
  // Someone keeps writing these keys: each is decided again on its own.
  for (const candidate of again) await importAlone(kv, candidate, tally);
}

// Commits in flight at once: the store works on one while the next ones are made ready.
const IN_FLIGHT = 8;

/** Commits the decisions packed within the limits; counts what went in; the candidates of failed commits. */
async function commitAll(
  kv: Deno.Kv,
  decisions: Decision[],
  tally: Tally,
): Promise<Candidate[]> {
  const failed: Candidate[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const commit of packed(decisions)) {
    const done = commitOne(kv, commit).then((ok) => {
      if (ok) {
        for (const decision of commit) count(tally, decision.outcome);
      } else {
        failed.push(...commit.map((decision) => decision.candidate));
      }
      inFlight.delete(done);
    });
    inFlight.add(done);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return failed;
}

async function commitOne(kv: Deno.Kv, commit: Decision[]): Promise<boolean> {
  if (!commit.some((decision) => decision.write)) return true;
  const op = kv.atomic();
  for (const decision of commit) decision.write?.add(op);
  return (await op.commit()).ok;
}

async function importAlone(kv: Deno.Kv, candidate: Candidate, tally: Tally) {
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const [decision] = await decide(kv, [candidate]);
    if (!decision.write) return count(tally, decision.outcome);
    const op = kv.atomic();
    decision.write.add(op);
    if ((await op.commit()).ok) return count(tally, decision.outcome);
  }
  throw new Error(
    `the store kept changing under Django user ${candidate.djangoId}; run the import again`,
  );
}

function count(tally: Tally, outcome: Outcome): void {
  tally.users += outcome.users ?? 0;
  tally.bindings += outcome.bindings ?? 0;
  tally.already += outcome.already ?? 0;
  for (const reason of outcome.skips ?? []) {
    tally.skipped.set(reason, (tally.skipped.get(reason) ?? 0) + 1);
  }
}

/** The decisions in commits that each stay within COMMIT_LIMITS. */
function* packed(decisions: Decision[]): Generator<Decision[]> {
  let commit: Decision[] = [];
  let used = { checks: 0, mutations: 0, bytes: 0, keyBytes: 0 };
  for (const decision of decisions) {
    const write = decision.write;
    if (
      write && commit.length > 0 &&
      (used.checks + write.checks > COMMIT_LIMITS.checks ||
        used.mutations + write.mutations > COMMIT_LIMITS.mutations ||
        used.bytes + write.bytes > COMMIT_LIMITS.bytes ||
        used.keyBytes + write.keyBytes > COMMIT_LIMITS.keyBytes)
    ) {
      yield commit;
      commit = [];
      used = { checks: 0, mutations: 0, bytes: 0, keyBytes: 0 };
    }
    commit.push(decision);
    if (write) {
      used.checks += write.checks;
      used.mutations += write.mutations;
      used.bytes += write.bytes;
      used.keyBytes += write.keyBytes;
    }
  }
  if (commit.length > 0) yield commit;
}

/** Reads what the store has for each candidate and decides it. */
async function decide(
  kv: Deno.Kv,
  candidates: Candidate[],
): Promise<Decision[]> {
  const first = await readMany(
    kv,
    candidates.flatMap(({ djangoId, user, binding }) => [
      importedUserKey(djangoId),
      userKey(user.id),
      usernameKey(user.username),
      mobileKey(user.mobile),
      ...(binding ? [bindingKey(binding.provider, binding.uid)] : []),
    ]),
  );
  // A user an earlier run imported may still gain the binding it could not have then: its QQ slot too.
  const reads = candidates.map(({ binding }) => {
    const [ledger, user, username, mobile] = first.splice(0, 4);
    return {
      ledger,
      user,
      username,
      mobile,
      binding: binding ? first.shift()! : null,
    };
  });
  const imported = candidates.filter((candidate, i) =>
    candidate.binding &&
    (reads[i].ledger.value !== null || reads[i].user.value !== null)
  );
  const slots = new Map(
    (await readMany(
      kv,
      imported.map(({ user, binding }) =>
        bindingByUserKey(user.id, binding!.provider)
      ),
    )).map((slot, i) => [imported[i], slot]),
  );

  return candidates.map((candidate, i): Decision => {
    const read = reads[i];
    const { user, binding } = candidate;
    if (read.ledger.value !== null || read.user.value !== null) {
      if (!binding) return { candidate, outcome: { already: 1 } };
      const userEntry = read.user;
      const bound = read.binding!.value as Binding | null;
      const slot = slots.get(candidate)!;
      if (bound?.userId === user.id) {
        return { candidate, outcome: { already: 2 } };
      }
      const skip = (reason: SkipReason): Decision => ({
        candidate,
        outcome: { already: 1, skips: [reason] },
      });
      if (userEntry.value === null) return skip("account deleted");
      if (bound) return skip("openid taken");
      if (slot.value !== null) return skip("account has another QQ");
      return {
        candidate,
        write: size(3, [userEntry.key], [binding], (op) => {
          op.check(userEntry);
          bindIn(op, binding);
        }),
        outcome: { already: 1, bindings: 1 },
      };
    }
    const notImported = binding ? ["user not imported" as const] : [];
    if (read.username.value !== null) {
      return {
        candidate,
        outcome: { skips: ["username taken", ...notImported] },
      };
    }
    if (read.mobile.value !== null) {
      return {
        candidate,
        outcome: { skips: ["mobile taken", ...notImported] },
      };
    }
    return newUser(
      candidate,
      binding && read.binding!.value === null ? binding : null,
    );
  });
}

/** The import of a user no run imported, with `binding` (the source's, unless its openid is taken). */
function newUser(candidate: Candidate, binding: Binding | null): Decision {
  const { user, djangoId } = candidate;
  const ledger = importedUserKey(djangoId);
  return {
    candidate,
    write: size(
      3 + (binding ? 1 : 0),
      [
        userKey(user.id),
        usernameKey(user.username),
        mobileKey(user.mobile),
        ledger,
      ],
      binding ? [user, binding] : [user],
      (op) => {
        // The ledger entry's check stands for the user's id, made from the same Django key: only an
        // import makes such ids, and it writes the entry with the user.
        op.check({ key: ledger, versionstamp: null }).set(ledger, user.id);
        createUserIn(op, user, { idChecked: true });
        if (binding) bindIn(op, binding, { userIsNew: true });
      },
    ),
    outcome: candidate.binding && !binding
      ? { users: 1, skips: ["openid taken"] }
      : { users: 1, bindings: binding ? 1 : 0 },
  };
}

/**
 * A write's share of a commit: its checks, and a generous estimate of its mutations' bytes (each key
 * written, and each record under each of its keys, at up to three bytes a character).
 */
function size(
  checks: number,
  keys: Deno.KvKey[],
  records: (User | Binding)[],
  add: (op: Deno.AtomicOperation) => void,
) {
  const bindingKeys = records.flatMap((record) =>
    "uid" in record
      ? [
        bindingKey(record.provider, record.uid),
        bindingByUserKey(record.userId, record.provider),
      ]
      : []
  );
  const allKeys = [...keys, ...bindingKeys];
  let keyBytes = 0;
  for (const key of allKeys) keyBytes += keyByteBound(key);
  const recordBytes = records.reduce(
    (sum, record) => sum + JSON.stringify(record).length * 3,
    0,
  );
  return {
    checks,
    mutations: allKeys.length,
    keyBytes,
    // A user's record is written under its key; its indexes hold its id.
    bytes: keyBytes * 2 + recordBytes + allKeys.length * 64,
    add,
  };
}

/**
 * More than the bytes of `key` as Deno KV encodes it: a string part is at most three bytes a character
 * (a NUL, escaped, takes two) with its tag and end, a number nine. Counted without stringifying six
 * keys a user.
 */
function keyByteBound(key: Deno.KvKey): number {
  let characters = 2;
  for (const part of key) {
    characters += 3 + (typeof part === "string" ? part.length : 24);
  }
  return characters * 3;
}

/** `kv.getMany` of any number of keys, ten at a time, all at once. */
async function readMany(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const groups: Deno.KvKey[][] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
    groups.push(keys.slice(i, i + GET_MANY_LIMIT));
  }
  return (await Promise.all(groups.map((group) => kv.getMany(group)))).flat();
}
