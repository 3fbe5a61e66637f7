// What customer service does from `deno task admin` (scripts/admin.ts): find an account however the
// customer names it, show it, and act on it as its owner could, each action audited as the operator's.
import type { App } from "@/lib/app/app.ts";
import { type AuditRecord, auditRecordsOf, recordAudit } from "@/lib/audit.ts";
import { eraseAccount } from "@/lib/accounts/deletion.ts";
import { clearLoginAttempts } from "@/lib/accounts/throttle.ts";
import {
  findUserByLogin,
  getUser,
  getUserEntry,
  type User,
} from "@/lib/accounts/users.ts";
import {
  listSessions,
  revokeOtherSessions,
  type Session,
} from "@/lib/sessions/sessions.ts";
import { clearSendLimits } from "@/lib/sms/codes.ts";
import {
  type Binding,
  findBinding,
  findBindingsOfUser,
  unbind,
} from "@/lib/social/bindings.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";

/** How the operator names an account: a mobile, a username, or `qq:<openid>`, `wechat:<id>`, `weibo:<uid>`. */
export async function findAccount(
  app: Pick<App, "kv">,
  name: string,
): Promise<User | null> {
  const provider = PROVIDERS.find(({ id }) => name.startsWith(`${id}:`));
  if (!provider) return await findUserByLogin(app.kv, name);
  const id = name.slice(provider.id.length + 1);
  // WeChat keys its bindings by `unionid:<x>` or `openid:<x>`: the operator may have either.
  const uids = provider.id === "wechat" && !/^(unionid|openid):/.test(id)
    ? [`unionid:${id}`, `openid:${id}`]
    : [id];
  for (const uid of uids) {
    const { binding } = await findBinding(app.kv, provider.id, uid);
    if (binding) return await getUser(app.kv, binding.userId);
  }
  return null;
}

export interface AccountView {
  user: Omit<User, "passwordHash">;
  bindings: Binding[];
  sessions: Session[];
  audit: AuditRecord[];
}

/** The account as the operator sees it: never its password hash or a session's secret. */
export async function viewAccount(
  app: Pick<App, "kv" | "now">,
  user: User,
  auditLimit = 10,
): Promise<AccountView> {
  const { passwordHash: _, ...shown } = user;
  return {
    user: shown,
    bindings: [...(await findBindingsOfUser(app.kv, user.id)).values()],
    sessions: await listSessions(app.kv, user, app.now()),
    audit: await auditRecordsOf(app.kv, user.id, auditLimit),
  };
}

/** Who acts, for the audit: the operator's name. */
export interface Operator {
  name: string;
  /** Where the command ran, in the audit's client address field. */
  address: string;
}

async function audit(
  app: Pick<App, "kv" | "now">,
  operator: Operator,
  action: Parameters<typeof recordAudit>[1]["action"],
  outcome: string,
  details: { userId?: string; mobile?: string; provider?: string } = {},
): Promise<void> {
  await recordAudit(app.kv, {
    action,
    outcome,
    clientAddress: operator.address,
    operator: operator.name,
    ...details,
  }, app.now());
}

/** Ends every session of the account ("someone is in my account"); how many ended. */
export async function signOutEverywhere(
  app: Pick<App, "kv" | "now">,
  user: User,
  operator: Operator,
): Promise<number> {
  const ended = await revokeOtherSessions(app.kv, user.id);
  await audit(app, operator, "session_revoke", `ended ${ended}`, {
    userId: user.id,
  });
  return ended;
}

/** Removes the account's binding of `providerId` ("I lost the phone my QQ was on"). */
export async function unbindProvider(
  app: Pick<App, "kv" | "now">,
  user: User,
  providerId: string,
  operator: Operator,
): Promise<boolean> {
  const uid = await unbind(app.kv, user.id, providerId);
  await audit(app, operator, "unbind", uid ? "unbound" : "nothing_bound", {
    userId: user.id,
    provider: providerId,
  });
  return uid !== null;
}

/** Clears the login and SMS limits on `mobile` and on the account that has it ("I'm locked out"). */
export async function unlockMobile(
  app: Pick<App, "kv" | "now">,
  mobile: string,
  operator: Operator,
): Promise<void> {
  const user = await findUserByLogin(app.kv, mobile);
  await clearLoginAttempts(app.kv, mobile);
  if (user && user.username !== mobile) {
    await clearLoginAttempts(app.kv, user.username);
  }
  await clearSendLimits(app.kv, mobile, app.now());
  await audit(app, operator, "unlock", "unlocked", {
    userId: user?.id,
    mobile,
  });
}

/** Disables or enables the account; disabling ends its sessions in the same write. */
export async function setDisabled(
  app: Pick<App, "kv" | "now">,
  user: User,
  disabled: boolean,
  operator: Operator,
): Promise<boolean> {
  const changed = await markDisabled(app, user.id, disabled);
  await audit(
    app,
    operator,
    disabled ? "disable" : "enable",
    changed ? (disabled ? "disabled" : "enabled") : "unchanged",
    { userId: user.id },
  );
  return changed;
}

async function markDisabled(
  app: Pick<App, "kv" | "now">,
  userId: string,
  disabled: boolean,
): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const entry = await getUserEntry(app.kv, userId);
    if (!entry.value || Boolean(entry.value.disabledAt) === disabled) {
      return false;
    }
    const { disabledAt: _, ...rest } = entry.value;
    const user: User = disabled ? { ...rest, disabledAt: app.now() } : rest;
    if ((await app.kv.atomic().check(entry).set(entry.key, user).commit()).ok) {
      if (disabled) await revokeOtherSessions(app.kv, userId);
      return true;
    }
  }
  throw new Error("the account kept changing; try again");
}

/** Deletes the account as its owner's deletion does, without their password and code. */
export async function deleteAccountAsOperator(
  app: Pick<App, "kv" | "now">,
  user: User,
  operator: Operator,
): Promise<boolean> {
  const deleted = await eraseAccount(app.kv, user.id);
  await audit(app, operator, "account_delete", deleted ? "deleted" : "gone", {
    userId: user.id,
    mobile: user.mobile,
  });
  return deleted;
}
