// `deno task admin <command> …`: customer service's requests answered on the store the app uses
// (DENO_KV_PATH: a file, shared with a running app, or a KV Connect URL with DENO_KV_ACCESS_TOKEN).
// Every action is audited as the operator's (--as NAME, else the system user). It needs the app's
// SECRET_KEY. docs/operations.md.
import {
  type AccountView,
  deleteAccountAsOperator,
  findAccount,
  type Operator,
  setDisabled,
  signOutEverywhere,
  unbindProvider,
  unlockMobile,
  viewAccount,
} from "@/lib/admin/accounts.ts";
import type { User } from "@/lib/accounts/users.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { dateTime } from "@/lib/core/shop_time.ts";
import { describeDevice, maskAddress } from "@/lib/sessions/devices.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { givePseudonymKey } from "@/lib/kv/pseudonyms.ts";
import { fail, openKvForCommand } from "./_kv_cli.ts";

const USAGE = `usage: deno task admin [--json] [--as NAME] <command>
  user <who>               the account, its bindings, sessions and latest events
  unbind <who> <provider>  remove its ${
  PROVIDERS.map((p) => p.id).join("/")
} binding
  signout <who>            end every session
  unlock <mobile>          clear the login and SMS limits on it
  disable <who>            no login, bind or code; ends its sessions
  enable <who>
  delete <who>             as the owner's own deletion
<who>: a mobile, a username, qq:<openid>, wechat:<unionid or openid>, weibo:<uid>`;

const args = [...Deno.args];
const json = take("--json");
const as = takeValue("--as");
const [command, who, extra] = args;
if (!command || !who || (command === "unbind" && !extra)) fail("admin", USAGE);

const operator: Operator = {
  name: as ?? Deno.env.get("USER") ?? Deno.env.get("LOGNAME") ?? "operator",
  address: "admin",
};
// Rate limits and the audit's ids are kept as keyed hashes under SECRET_KEY (lib/kv/pseudonyms.ts):
// the command must hash as the app does to find and clear them.
const secretKey = Deno.env.get("SECRET_KEY");
if (!secretKey) fail("admin", "SECRET_KEY is needed, the same as the app's");
const { kv } = await openKvForCommand("admin");
givePseudonymKey(kv, secretKey);
const app = { kv, now: Date.now };
try {
  const code = await run();
  kv.close();
  Deno.exit(code);
} catch (error) {
  kv.close();
  fail("admin", (error as Error).message);
}

async function run(): Promise<number> {
  if (command === "unlock") {
    if (!/^1[3-9]\d{9}$/.test(who)) fail("admin", `not a mobile: ${who}`);
    await unlockMobile(app, who, operator);
    return say({ unlocked: who }, `unlocked ${maskMobile(who)}`);
  }
  const user = await findAccount(app, who);
  if (!user) {
    if (json) console.log(JSON.stringify({ error: "no such account" }));
    else console.error(`admin: no account ${shownName(who)}`);
    return 1;
  }
  switch (command) {
    case "user": {
      const view = await viewAccount(app, user);
      if (json) console.log(JSON.stringify(view, null, 2));
      else printAccount(view);
      return 0;
    }
    case "unbind": {
      if (!PROVIDERS.some(({ id }) => id === extra)) {
        fail(
          "admin",
          `no provider ${extra}: ${PROVIDERS.map((p) => p.id).join(", ")}`,
        );
      }
      const removed = await unbindProvider(app, user, extra, operator);
      return say(
        { unbound: removed, provider: extra },
        removed
          ? `unbound ${extra} from ${name(user)}`
          : `${name(user)} has no ${extra} binding`,
      );
    }
    case "signout": {
      const ended = await signOutEverywhere(app, user, operator);
      return say({ ended }, `ended ${ended} session(s) of ${name(user)}`);
    }
    case "disable":
    case "enable": {
      const changed = await setDisabled(
        app,
        user,
        command === "disable",
        operator,
      );
      return say(
        { [command + "d"]: changed },
        changed
          ? `${command}d ${name(user)}`
          : `${name(user)} was already ${command}d`,
      );
    }
    case "delete": {
      const deleted = await deleteAccountAsOperator(app, user, operator);
      return say(
        { deleted },
        deleted ? `deleted ${name(user)}` : `${name(user)} was gone already`,
      );
    }
  }
  fail("admin", USAGE);
}

function say(value: unknown, text: string): number {
  console.log(json ? JSON.stringify(value) : text);
  return 0;
}

function printAccount({ user, bindings, sessions, audit }: AccountView): void {
  const rows = (header: string[], lines: string[][]) => {
    if (lines.length === 0) return console.log("  (none)");
    const widths = header.map((h, i) =>
      Math.max(width(h), ...lines.map((l) => width(l[i])))
    );
    for (const line of [header, ...lines]) {
      console.log(
        "  " + line.map((cell, i) => pad(cell, widths[i])).join("  ").trimEnd(),
      );
    }
  };
  console.log(`Account ${name(user)}`);
  rows(["id", "username", "mobile", "created", "status"], [[
    user.id,
    shownName(user.username),
    maskMobile(user.mobile),
    dateTime(user.createdAt),
    user.disabledAt ? `disabled ${dateTime(user.disabledAt)}` : "active",
  ]]);
  console.log(`Bindings (${bindings.length})`);
  rows(
    ["provider", "nickname", "bound"],
    bindings.map((b) => [b.provider, b.nickname ?? "", dateTime(b.createdAt)]),
  );
  console.log(`Sessions (${sessions.length})`);
  rows(
    ["device", "address", "started", "last used"],
    sessions.map((s) => [
      describeDevice(s.userAgent),
      maskAddress(s.clientAddress),
      dateTime(s.createdAt),
      dateTime(s.refreshedAt),
    ]),
  );
  console.log(`Latest events (${audit.length})`);
  rows(
    ["time", "action", "outcome", "by"],
    audit.map((a) => [
      dateTime(Date.parse(a.time)),
      a.action,
      a.outcome,
      a.operator ?? "",
    ]),
  );
}

function name(user: User | AccountView["user"]): string {
  return shownName(user.username);
}

/** A mobile shown masked, as everywhere but where it is typed. */
function shownName(text: string): string {
  return /^1\d{10}$/.test(text) ? maskMobile(text) : text;
}

/** Columns count a Chinese character as two. */
function width(text: string): number {
  let columns = 0;
  for (const char of text) columns += /[\u1100-\uffdc]/.test(char) ? 2 : 1;
  return columns;
}

function pad(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - width(text)));
}

function take(flag: string): boolean {
  const at = args.indexOf(flag);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
}

function takeValue(flag: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  if (!value) fail("admin", `${flag} needs a value`);
  return value;
}
