// The audit trail: every bind, unbind, login and failed attempt, printed as one log line and kept in KV.
// Refusals cost an attacker nothing, so the KV keeps at most 10 an hour from one client and 200 an
// hour in all (lib/kv/windows.ts counts them); the rest are in the log only. A record outlives its
// account, so it holds nothing that names the person: the mobile masked (138****8000), the client's
// network rather than its address (203.0.113.0/24), the provider uid as its pseudonym
// (lib/kv/pseudonyms.ts), which still tells one identity's records from another's.
//
// | key                                               | value        | expires                |
// | ------------------------------------------------- | ------------ | ---------------------- |
// | ["audit", time, randomId]                         | AuditRecord  | 180 days (refusals 30) |
// | ["audit_by_user", userId, time, randomId]         | AuditRecord  | with its record        |
// | ["audit_refusals", time, id]                      | time         | 1 hour                 |
// | ["audit_refusals_by_client", address*, time, id]  | time         | 1 hour                 |
//
// address*: the client's address as its pseudonym.
import { randomId } from "./core/crypto.ts";
import { addressNetwork, maskMobile } from "./core/mask.ts";
import { pseudonym } from "./kv/pseudonyms.ts";
import type { Store } from "./kv/store.ts";
import { counters } from "./core/telemetry.ts";
import { countInWindows } from "./kv/windows.ts";

export const auditKeys = {
  record: (time: number, id: string) => ["audit", time, id],
  /** Every record from `since` on, oldest first. */
  since: (since: number) => ({
    start: ["audit", since],
    end: ["audit", Infinity],
  }),
  byUser: (userId: string, time: number, id: string) => [
    "audit_by_user",
    userId,
    time,
    id,
  ],
  ofUser: (userId: string) => ["audit_by_user", userId],
  refusals: ["audit_refusals"],
  refusalsByClient: (kv: Deno.Kv, address: string) => [
    "audit_refusals_by_client",
    pseudonym(kv, "address", address),
  ],
};

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
const KEEP_MS = 180 * DAY_MS;
const KEEP_REFUSALS_MS = 30 * DAY_MS;
/** Refusals kept in KV per client and hour, and in all per hour. */
export const REFUSALS_KEPT_PER_CLIENT = 10;
export const REFUSALS_KEPT_PER_HOUR = 200;

export interface AuditEvent {
  action:
    | "bind"
    | "unbind"
    | "login"
    | "social_login"
    | "connect"
    | "register"
    | "logout"
    | "password_reset"
    | "password_change"
    | "mobile_change"
    | "account_delete"
    | "session_revoke"
    | "unlock"
    | "disable"
    | "enable"
    | "confirm"
    | "consent"
    | "export";
  /** What happened; an outcome starting with "refused" is a refusal. */
  outcome: string;
  clientAddress: string;
  userId?: string;
  mobile?: string;
  /** Who acted, when it was an operator (`deno task admin --as`), not the account's owner. */
  operator?: string;
  /** A login provider's id (qq, wechat, weibo) and the identity's uid there. */
  provider?: string;
  uid?: string;
  /** How a login (or the sign-up it led to) proved who it was, when not by password: `sms` (短信验证码登录). */
  way?: "sms";
}

/** An event as kept: `clientAddress` is the network, `mobile` masked, `uid` a pseudonym. */
export type AuditRecord = AuditEvent & { time: string };

/** What an audited attempt's record says besides its action: what its success is called, and the rest. */
export type AuditNote = Omit<AuditEvent, "action" | "outcome"> & {
  success: string;
};

/** What an audited attempt gives: success, or a refusal with its message (and, maybe, why). */
export type Attempt = { ok: true } | {
  ok: false;
  message: string;
  reason?: string;
};

/**
 * Awaits `attempt` and records it as `action`: the note's `success`, or `refused: ` and why (its reason,
 * else its message). A note that depends on how the attempt went is a function of its result.
 */
export async function audited<Result extends Attempt>(
  app: Store,
  action: AuditEvent["action"],
  attempt: Promise<Result>,
  note: AuditNote | ((result: Result) => AuditNote),
): Promise<Result> {
  const result = await attempt;
  const { success, ...details } = typeof note === "function"
    ? note(result)
    : note;
  const outcome = result.ok
    ? success
    : `refused: ${result.reason ?? result.message}`;
  await recordAudit(app.kv, { action, outcome, ...details }, app.now());
  return result;
}

export async function recordAudit(
  kv: Deno.Kv,
  event: AuditEvent,
  now: number,
): Promise<void> {
  const record: AuditRecord = {
    time: new Date(now).toISOString(),
    ...event,
    clientAddress: addressNetwork(event.clientAddress),
    mobile: maskMobile(event.mobile),
    uid: event.uid &&
      pseudonym(kv, "uid", `${event.provider ?? ""}:${event.uid}`),
  };
  if (record.mobile === undefined) delete record.mobile;
  if (record.uid === undefined) delete record.uid;
  console.log(JSON.stringify({ audit: record }));
  countAuditEvent(event);
  const refused = event.outcome.startsWith("refused");
  if (refused) {
    const kept = await countInWindows(
      kv,
      [
        { prefix: auditKeys.refusals, limit: REFUSALS_KEPT_PER_HOUR },
        {
          prefix: auditKeys.refusalsByClient(kv, event.clientAddress),
          limit: REFUSALS_KEPT_PER_CLIENT,
        },
      ],
      HOUR_MS,
      now,
    );
    if (!kept) return;
  }
  const id = randomId(8);
  const kept = { expireIn: refused ? KEEP_REFUSALS_MS : KEEP_MS };
  const op = kv.atomic().set(auditKeys.record(now, id), record, kept);
  if (event.userId) {
    op.set(auditKeys.byUser(event.userId, now, id), record, kept);
  }
  await op.commit();
}

/** How many of an account's audit records its export lists, newest first. */
export const AUDIT_RECORDS_EXPORTED = 500;

/** The account's audit records, newest first, at most `limit`. */
export async function auditRecordsOf(
  kv: Deno.Kv,
  userId: string,
  limit = AUDIT_RECORDS_EXPORTED,
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  const prefix = auditKeys.ofUser(userId);
  for await (
    const entry of kv.list<AuditRecord>({ prefix }, { reverse: true, limit })
  ) records.push(entry.value);
  return records;
}

/** The event in the metrics: which counter by its action, labelled by what is never personal. */
function countAuditEvent(event: AuditEvent): void {
  const refused = event.outcome.startsWith("refused");
  const labels = {
    outcome: refused ? "refused" : "ok",
    ...refused && { reason: event.outcome.slice("refused: ".length, 60) },
  };
  switch (event.action) {
    case "bind":
    case "connect":
      counters.binds.add(1, {
        kind: event.action,
        provider: event.provider ?? "",
        ...labels,
      });
      return;
    case "login":
    case "social_login":
      counters.logins.add(1, {
        way: event.way ?? event.provider ?? "password",
        ...labels,
      });
      return;
    default:
      counters.accountChanges.add(1, { action: event.action, ...labels });
  }
}
