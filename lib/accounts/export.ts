// 导出我的数据 (个人信息保护法: a copy of one's personal data, in a form a program can read): what the
// shop keeps about an account, as JSON its owner downloads. The account with its mobile in full, its
// bindings, sessions, consents and audit records; never a password hash, a session or bind secret, a
// provider token. Asked with the password, checked (and throttled) as every other form that asks for it.
import type { App } from "@/lib/app/app.ts";
import { type AuditRecord, auditRecordsOf } from "@/lib/audit.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { type ConsentForm, consentsOf } from "@/lib/legal/consents.ts";
import type { LegalVersions } from "@/lib/legal/texts.ts";
import { messages } from "@/lib/messages.ts";
import { describeDevice, maskAddress } from "@/lib/sessions/devices.ts";
import { listSessions } from "@/lib/sessions/sessions.ts";
import { findBindingsOfUser } from "@/lib/social/bindings.ts";
import { passwordProvenForm } from "./proofs.ts";
import type { AccountOrigin, User } from "./users.ts";

export interface AccountExport {
  exportedAt: string;
  account: {
    username: string;
    mobile: string;
    createdAt: string;
    /** null for an account made before this was kept. */
    createdVia: AccountOrigin | null;
  };
  bindings: { provider: string; nickname: string | null; boundAt: string }[];
  sessions: {
    device: string;
    address: string;
    startedAt: string;
    lastUsedAt: string;
    /** The session that asked for this export. */
    current: boolean;
  }[];
  consents: { versions: LegalVersions; agreedAt: string; form: ConsentForm }[];
  /** Newest first; its mobiles masked as the audit keeps them, its addresses as the sessions page shows them. */
  auditEvents: Omit<AuditRecord, "userId">[];
}

/** Whether `fields.password` is the account's (the export may go ahead); else why not, for the form. */
export const checkExportPassword = passwordProvenForm("export", {
  success: "exported",
  check: (fields) =>
    fields.password
      ? { ok: true, value: { password: fields.password } }
      : { ok: false, field: "form", message: messages.missingFields },
  then: () => Promise.resolve({ ok: true } as const),
});

/** Everything kept about `user`, as its export holds it; `currentSession` is the asking session's public id. */
export async function accountExport(
  app: App,
  user: User,
  currentSession: string | undefined,
): Promise<AccountExport> {
  const now = app.now();
  const [bindings, sessions, consents, audit] = await Promise.all([
    findBindingsOfUser(app.kv, user.id),
    listSessions(app.kv, user, now),
    consentsOf(app.kv, user.id),
    auditRecordsOf(app.kv, user.id),
  ]);
  return {
    exportedAt: iso(now),
    account: {
      username: user.username,
      mobile: user.mobile,
      createdAt: iso(user.createdAt),
      createdVia: user.createdVia ?? null,
    },
    bindings: [...bindings.values()].map((binding) => ({
      provider: binding.provider,
      nickname: binding.nickname,
      boundAt: iso(binding.createdAt),
    })),
    sessions: sessions.map((session) => ({
      device: describeDevice(session.userAgent),
      address: maskAddress(session.clientAddress),
      startedAt: iso(session.createdAt),
      lastUsedAt: iso(session.refreshedAt),
      current: session.publicId === currentSession,
    })),
    consents: consents.map(({ versions, at, via }) => ({
      versions,
      agreedAt: iso(at),
      form: via,
    })),
    auditEvents: audit.map(({ userId: _, ...record }) => ({
      ...record,
      clientAddress: maskAddress(record.clientAddress),
      ...record.mobile && { mobile: maskMobile(record.mobile) },
    })),
  };
}

/** `meiduo-account-<username>.json`, as Content-Disposition gives it: plain when the username is, else with an ASCII stand-in and the UTF-8 name beside it (RFC 6266). */
export function exportDisposition(username: string): string {
  const name = `meiduo-account-${username}.json`;
  if (/^[\w.-]+$/.test(username)) return `attachment; filename="${name}"`;
  const plain = `meiduo-account-${username.replace(/[^\w.-]/g, "_")}.json`;
  return `attachment; filename="${plain}"; filename*=UTF-8''${
    encodeURIComponent(name).replace(/['()*]/g, (c) =>
      `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  }`;
}

const iso = (time: number) => new Date(time).toISOString();
