// Connecting: a provider login that starts in a logged-in browser binds that identity to the account at
// once, with no form, or refuses and leaves the browser logged in as itself. It never logs in as the
// identity's other account.
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { type User, userKey } from "@/lib/accounts/users.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { bindIn, type Binding, findBindConflict } from "./bindings.ts";
import type { Identity, Provider } from "./provider.ts";

export type ConnectResult = { ok: true } | { ok: false; message: string };

/**
 * How long the account page tells of a connect (新绑定了QQ：…): 30 days from it, whoever looks. Not
 * "until the owner has seen it": the browser that connects lands on the account page itself, and a
 * stolen session would then have seen it for the owner. 30 days outlasts a session's 14 idle days, so an
 * owner who comes back at all before their own sessions lapse sees it.
 */
export const CONNECT_NOTICE_MS = 30 * 24 * 3600 * 1000;

/** The bindings among `bindings` made by a connect lately enough to tell the owner of. */
export function recentConnects(
  bindings: Iterable<Binding>,
  now: number,
): Binding[] {
  return [...bindings].filter((binding) =>
    binding.via === "connect" && now - binding.createdAt < CONNECT_NOTICE_MS
  );
}

/** Binds `identity` to `user`, unless it is another account's or the account has one of that provider. */
export async function connectIdentity(
  app: App,
  provider: Provider,
  user: User,
  identity: Identity,
  clientAddress: string,
): Promise<ConnectResult> {
  return await audited(
    app,
    "connect",
    attemptConnect(app, provider, user, identity),
    {
      success: "bound",
      clientAddress,
      userId: user.id,
      provider: provider.id,
      uid: identity.uid,
    },
  );
}

async function attemptConnect(
  app: App,
  provider: Provider,
  user: User,
  identity: Identity,
): Promise<ConnectResult> {
  const said = providerMessages(provider.name);
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const conflict = await findBindConflict(
      app.kv,
      provider.id,
      identity.uid,
      user.id,
    );
    if (conflict?.kind === "identity_bound") {
      return conflict.userId === user.id
        ? { ok: true } // bound to this very account already: nothing to do
        : { ok: false, message: said.identityBound };
    }
    if (conflict) return { ok: false, message: said.accountBound };
    // The account must still be there when the binding lands (a deletion may be racing).
    const account = await app.kv.get<User>(userKey(user.id));
    if (account.value?.disabledAt) {
      return { ok: false, message: messages.accountDisabled };
    }
    if (account.versionstamp === null) {
      return { ok: false, message: said.loginFailed };
    }
    const op = app.kv.atomic().check(account);
    bindIn(op, {
      provider: provider.id,
      uid: identity.uid,
      ...(identity.unionid ? { unionid: identity.unionid } : {}),
      userId: user.id,
      nickname: identity.nickname,
      createdAt: app.now(),
      via: "connect",
    });
    if ((await op.commit()).ok) return { ok: true };
  }
  return { ok: false, message: said.loginFailed };
}
