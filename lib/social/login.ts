// Logging in with a provider: off to it with a browser-bound state, and back with a code that becomes
// an identity, which logs in, connects to the logged-in account, or waits for the bind form.
import type { App } from "@/lib/app/app.ts";
import { recordAudit } from "@/lib/audit.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { getUser, type User } from "@/lib/accounts/users.ts";
import { findBinding } from "./bindings.ts";
import { issueBindToken } from "./bind_tokens.ts";
import { connectIdentity } from "./connect.ts";
import {
  type Identity,
  type Provider,
  ProviderError,
  providerSettings,
} from "./provider.ts";
import { finishOAuthState, startOAuthState } from "./states.ts";
import { hasRecentProof } from "@/lib/sessions/recent_proof.ts";
import type { Session } from "@/lib/sessions/sessions.ts";

/** How much of a nickname travels with a bind (the form shows it; providers allow far longer ones). */
export const NICKNAME_MAX = 32;
/** An avatar URL longer than this is not kept: it only decorates the bind form. */
const AVATAR_URL_MAX = 512;

/**
 * Where to send the browser of `req`, at `clientAddress`; the state it must come back with is set as a
 * cookie on `headers`.
 */
export async function startLogin(
  app: App,
  provider: Provider,
  req: Request,
  headers: Headers,
  start: { next: string | null; clientAddress: string },
): Promise<string> {
  const state = await startOAuthState(app, req, headers, {
    provider: provider.id,
    next: safeNext(start.next),
    clientAddress: start.clientAddress,
  });
  return provider.client(providerSettings(app, provider)).authorizeUrl(state);
}

export type CallbackResult =
  | { kind: "bad_state" }
  | { kind: "provider_failed"; message: string }
  | { kind: "logged_in"; user: User; next: string }
  | { kind: "connected"; next: string }
  | { kind: "connect_refused"; message: string }
  /** A connect from a session without a recent proof: nothing bound; the password first, then again. */
  | { kind: "proof_needed"; loginAgain: string }
  /** A pending bind for this browser is set on the headers: the bind page shows its form. */
  | { kind: "needs_binding" };

export interface Callback {
  code: string | null;
  state: string | null;
  /** Who the browser is logged in as: a login then connects to that account. */
  user: User | null;
  /** The browser's session, whose recent proof a connect needs. */
  session: Pick<Session, "provenAt"> | null;
  clientAddress: string;
}

/**
 * Turns the provider's answer into a login (the identity is bound), a connect (the browser is logged
 * in), or a pending bind for the bind page. The state's cookie is forgotten on `headers`, and a pending
 * bind's cookie set there.
 */
export async function finishLogin(
  app: App,
  provider: Provider,
  req: Request,
  headers: Headers,
  callback: Callback,
): Promise<CallbackResult> {
  const said = providerMessages(provider.name);
  const started = await finishOAuthState(
    app,
    req,
    headers,
    provider.id,
    callback.state,
  );
  if (!started) return { kind: "bad_state" };
  const { next } = started;
  // A connect makes the account reachable through that identity for good: it needs the password given
  // lately in this session (the login's start asks for it; a state started logged out, then brought back
  // with a session cookie, is caught here), before the provider's code is even traded.
  if (callback.user && !hasRecentProof(callback.session, started.startedAt)) {
    await recordAudit(app.kv, {
      action: "connect",
      outcome: "refused: no recent proof",
      clientAddress: callback.clientAddress,
      userId: callback.user.id,
      provider: provider.id,
    }, app.now());
    return {
      kind: "proof_needed",
      loginAgain: `/oauth/${provider.id}/login?next=${
        encodeURIComponent(next).replaceAll("%2F", "/")
      }`,
    };
  }
  if (!callback.code || callback.code.length > 512) {
    return { kind: "provider_failed", message: said.noCode };
  }
  let identity: Identity;
  try {
    identity = shortened(
      await provider.client(providerSettings(app, provider)).identify(
        callback.code,
      ),
      app.origin(),
    );
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    await recordAudit(app.kv, {
      action: "social_login",
      outcome: `provider_error: ${error.code}`,
      clientAddress: callback.clientAddress,
      provider: provider.id,
    }, app.now());
    return { kind: "provider_failed", message: error.message };
  }

  if (callback.user) {
    const connected = await connectIdentity(
      app,
      provider,
      callback.user,
      identity,
      callback.clientAddress,
    );
    return connected.ok
      ? { kind: "connected", next }
      : { kind: "connect_refused", message: connected.message };
  }

  const { binding } = await findBinding(app.kv, provider.id, identity.uid);
  const user = binding && await getUser(app.kv, binding.userId);
  const now = app.now();
  await recordAudit(app.kv, {
    action: "social_login",
    outcome: user ? "logged_in" : "needs_binding",
    clientAddress: callback.clientAddress,
    provider: provider.id,
    uid: identity.uid,
    userId: user?.id,
  }, now);
  if (user?.disabledAt) {
    return { kind: "connect_refused", message: messages.accountDisabled };
  }
  if (user) return { kind: "logged_in", user, next };
  await issueBindToken(app, req, headers, {
    provider: provider.id,
    uid: identity.uid,
    ...(identity.unionid ? { unionid: identity.unionid } : {}),
    nickname: identity.nickname,
    avatar: identity.avatar,
    next,
  });
  return { kind: "needs_binding" };
}

// What is kept of an identity is what the bind needs, so a 1,000-character nickname can't bloat a token.
function shortened(identity: Identity, origin: string): Identity {
  return {
    ...identity,
    nickname: identity.nickname === null
      ? null
      : Array.from(identity.nickname).slice(0, NICKNAME_MAX).join(""),
    avatar: shownAvatar(identity.avatar, origin),
  };
}

/**
 * The avatar as the bind page can show it. QQ hands out `http://` avatar URLs, which the pages'
 * policy (outside images over https only) would block: QQ's, WeChat's and Weibo's image hosts
 * serve the same paths over https. The site's own (the simulators') stay as they are.
 */
export function shownAvatar(
  url: string | null,
  origin: string,
): string | null {
  if (!url || url.length > AVATAR_URL_MAX) return null;
  const ownSite = url.startsWith(`${origin}/`);
  return url.startsWith("http://") && !ownSite
    ? `https://${url.slice("http://".length)}`
    : url;
}
