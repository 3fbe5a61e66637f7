// The QQ Connect (OAuth 2.0) client: the authorize URL, then code → access token → openid → nickname.
// Every failure, QQ's own or on the way to QQ, is a QqError with a message fit to show.
import type { App } from "@/lib/app.ts";
import { QqError } from "./_errors.ts";
import { parseQqAnswer, qqFailure, type QqFields } from "./_parse.ts";
import {
  SIMULATOR_CLIENT_ID,
  SIMULATOR_CLIENT_SECRET,
  SIMULATOR_PATH,
} from "./simulator.ts";

export { QqError, type QqErrorCode, qqErrorMessage } from "./_errors.ts";

export interface QqSettings {
  /** Base of QQ's endpoints, without a trailing slash: https://graph.qq.com or the simulator. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  fetch: typeof fetch;
  /** Per request, answer included; default 5000. */
  timeoutMs?: number;
}

export interface QqUser {
  nickname: string;
  avatarUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** The settings for requests arriving at `origin` (e.g. `http://localhost:8000`). */
export function qqSettingsFor(
  app: Pick<App, "config" | "fetch">,
  origin: string,
): QqSettings {
  const { qq, simulator } = app.config;
  const clientId = simulator ? SIMULATOR_CLIENT_ID : qq.clientId;
  const clientSecret = simulator ? SIMULATOR_CLIENT_SECRET : qq.clientSecret;
  if (!clientId || !clientSecret) {
    // parseConfig turns the simulator on whenever these are missing, so only a hand-made config gets here.
    throw new Error(
      "QQ_CLIENT_ID and QQ_CLIENT_SECRET are needed without the QQ simulator",
    );
  }
  const apiBase = qq.apiBase ??
    (simulator ? `${origin}${SIMULATOR_PATH}` : "https://graph.qq.com");
  return {
    apiBase: apiBase.replace(/\/+$/, ""),
    clientId,
    clientSecret,
    redirectUri: qq.redirectUri ?? `${origin}/oauth_callback`,
    fetch: app.fetch,
  };
}

/** Where to send the browser; QQ sends it back to redirectUri with `code` and this `state`. */
export function authorizeUrl(settings: QqSettings, state: string): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    state,
  });
  return `${settings.apiBase}/oauth2.0/authorize?${query}`;
}

/** Trades the callback's `code` for an access token. */
export async function exchangeCode(
  settings: QqSettings,
  code: string,
): Promise<string> {
  const fields = await askQq(settings, "/oauth2.0/token", {
    grant_type: "authorization_code",
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    code,
    redirect_uri: settings.redirectUri,
    fmt: "json",
  });
  return requiredString(fields, "access_token");
}

/** The openid of the QQ user who granted `accessToken` to this app. */
export async function fetchOpenid(
  settings: QqSettings,
  accessToken: string,
): Promise<string> {
  const fields = await askQq(settings, "/oauth2.0/me", {
    access_token: accessToken,
    fmt: "json",
  });
  // A token granted to another app must not log anyone in here (token substitution).
  const clientId = fields.client_id;
  if (typeof clientId !== "string" && typeof clientId !== "number") {
    throw new QqError("bad_response");
  }
  if (String(clientId) !== settings.clientId) {
    throw new QqError("client_mismatch");
  }
  const openid = requiredString(fields, "openid");
  // The openid becomes a KV key and a form value; QQ's are 32 hex digits.
  if (!/^[\w-]{1,128}$/.test(openid)) throw new QqError("bad_response");
  return openid;
}

/** The QQ user's nickname and, when QQ has one, avatar. */
export async function fetchUserInfo(
  settings: QqSettings,
  accessToken: string,
  openid: string,
): Promise<QqUser> {
  const fields = await askQq(settings, "/user/get_user_info", {
    access_token: accessToken,
    oauth_consumer_key: settings.clientId,
    openid,
  });
  if (typeof fields.nickname !== "string") throw new QqError("bad_response");
  // figureurl_qq_2 (100×100) is missing for some users; figureurl_qq_1 (40×40) is always there.
  const avatarUrl = [fields.figureurl_qq_2, fields.figureurl_qq_1].find(
    isHttpUrl,
  );
  return avatarUrl
    ? { nickname: fields.nickname, avatarUrl }
    : { nickname: fields.nickname };
}

async function askQq(
  settings: QqSettings,
  path: string,
  params: Record<string, string>,
): Promise<QqFields> {
  const url = `${settings.apiBase}${path}?${new URLSearchParams(params)}`;
  const signal = AbortSignal.timeout(settings.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const text = await beforeAbort(signal, async () => {
    const response = await settings.fetch(url, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new QqError("bad_status");
    }
    return await response.text();
  });
  const fields = parseQqAnswer(text);
  const failure = qqFailure(fields);
  if (failure !== undefined) throw new QqError(failure);
  return fields;
}

// Races `work` against the signal, since an injected fetch may ignore it. The original error is
// dropped on purpose: fetch's messages quote the URL, which carries the secret and the code.
async function beforeAbort<T>(
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new QqError("timeout"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const working = work();
  working.catch(() => {}); // it may still fail after the timeout won
  try {
    return await Promise.race([working, aborted]);
  } catch (error) {
    if (error instanceof QqError) throw error;
    throw new QqError(signal.aborted ? "timeout" : "network");
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

function requiredString(fields: QqFields, name: string): string {
  const value = fields[name];
  if (typeof value !== "string" || value === "") {
    throw new QqError("bad_response");
  }
  return value;
}

function isHttpUrl(value: unknown): value is string {
  return typeof value === "string" && /^https?:\/\/\S+$/.test(value);
}
