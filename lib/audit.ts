// The audit trail: every bind, unbind, login and failed attempt, kept in KV and printed as one log line.
//
// | key                          | value       | expires   |
// | ---------------------------- | ----------- | --------- |
// | ["audit", time, randomId]    | AuditEvent  | 180 days  |
import { randomId } from "./_crypto.ts";

const KEEP_MS = 180 * 24 * 3600 * 1000;

export interface AuditEvent {
  action: "bind" | "unbind" | "login" | "qq_login" | "register" | "logout";
  outcome: string;
  clientAddress: string;
  userId?: string;
  mobile?: string;
  openid?: string;
}

export async function recordAudit(
  kv: Deno.Kv,
  event: AuditEvent,
  now: number,
): Promise<void> {
  const record = { time: new Date(now).toISOString(), ...event };
  console.log(
    JSON.stringify({ audit: { ...record, mobile: maskMobile(event.mobile) } }),
  );
  await kv.set(["audit", now, randomId(8)], record, { expireIn: KEEP_MS });
}

/** The audit records from `since` on, oldest first. */
export async function listAudit(
  kv: Deno.Kv,
  since = 0,
): Promise<(AuditEvent & { time: string })[]> {
  const records = [];
  for await (
    const entry of kv.list<AuditEvent & { time: string }>({
      start: ["audit", since],
      end: ["audit", Infinity],
    })
  ) {
    records.push(entry.value);
  }
  return records;
}

// Logs are read by more people than the KV: they get the mobile with its middle hidden.
export function maskMobile(mobile: string | undefined): string | undefined {
  return mobile && mobile.length === 11
    ? `${mobile.slice(0, 3)}****${mobile.slice(7)}`
    : mobile;
}
