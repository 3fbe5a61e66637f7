// Logging in with QQ: off to QQ with a browser-bound state, and back with a code that becomes an openid.
import type { App } from "@/lib/app.ts";
import { recordAudit } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { findBindingByOpenid } from "./bindings.ts";
import { sealBindToken } from "./bind_tokens.ts";
import { consumeOAuthState, createOAuthState } from "./states.ts";
import {
  authorizeUrl,
  exchangeCode,
  fetchOpenid,
  fetchUserInfo,
  QqError,
  qqSettingsFor,
} from "@/lib/qq/client.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { getUser, type User } from "@/lib/accounts/users.ts";

/** Where to send the browser, and the state it must keep in its cookie. */
export async function startQqLogin(
  app: App,
  origin: string,
  next: string | null,
) {
  const state = await createOAuthState(app.kv, safeNext(next), app.now());
  return { state, location: authorizeUrl(qqSettingsFor(app, origin), state) };
}

export type QqCallbackResult =
  | { kind: "bad_state" }
  | { kind: "qq_failed"; message: string }
  | { kind: "logged_in"; user: User; next: string }
  | {
    kind: "needs_binding";
    bindToken: string;
    nickname: string | null;
    next: string;
  };

export interface QqCallback {
  code: string | null;
  state: string | null;
  /** The state this browser was given when it set off to QQ. */
  cookieState: string | undefined;
}

/** Turns QQ's answer into a login (the openid is bound) or a bind token for the bind form. */
export async function finishQqLogin(
  app: App,
  origin: string,
  callback: QqCallback,
  clientAddress: string,
): Promise<QqCallbackResult> {
  const started = await consumeOAuthState(
    app.kv,
    callback.state,
    callback.cookieState,
    app.now(),
  );
  if (!started) return { kind: "bad_state" };
  if (!callback.code || callback.code.length > 512) {
    return { kind: "qq_failed", message: messages.qqNoCode };
  }
  const settings = qqSettingsFor(app, origin);
  let openid: string;
  let nickname: string | null = null;
  try {
    const accessToken = await exchangeCode(settings, callback.code);
    openid = await fetchOpenid(settings, accessToken);
    // The nickname only decorates the bind form; QQ failing to give it is no reason to stop.
    nickname = await fetchUserInfo(settings, accessToken, openid).then(
      (info) => info.nickname,
      () => null,
    );
  } catch (error) {
    if (!(error instanceof QqError)) throw error;
    await recordAudit(app.kv, {
      action: "qq_login",
      outcome: `qq_error: ${error.code}`,
      clientAddress,
    }, app.now());
    return { kind: "qq_failed", message: error.message };
  }

  const { binding } = await findBindingByOpenid(app.kv, openid);
  const user = binding && await getUser(app.kv, binding.userId);
  const now = app.now();
  await recordAudit(app.kv, {
    action: "qq_login",
    outcome: user ? "logged_in" : "needs_binding",
    clientAddress,
    openid,
    userId: user?.id,
  }, now);
  if (user) return { kind: "logged_in", user, next: started.next };
  const bindToken = await sealBindToken(app.config.secretKey, {
    openid,
    nickname,
    next: started.next,
  }, now);
  return { kind: "needs_binding", bindToken, nickname, next: started.next };
}
