// The QQ Connect (OAuth 2.0) client: the authorize URL, then code → access token → openid → nickname.
// Every failure, QQ's own or on the way to QQ, is a QqError with a message fit to show.
import type { Timers } from "@/lib/core/timers.ts";
import {
  type ClientSettings,
  getFromProvider,
  requiredString,
} from "@/lib/social/provider.ts";
import { QqError } from "./_errors.ts";
import { parseQqAnswer, qqFailure, type QqFields } from "./_parse.ts";

export { QqError, type QqErrorCode, qqErrorMessage } from "./_errors.ts";

export interface QqSettings extends ClientSettings {
  /** Base of QQ's endpoints, without a trailing slash: https://graph.qq.com or the simulator. */
  apiBase: string;
  /** What the limit of each request runs on; the platform's timers by default. */
  timers?: Timers;
}

/** Who granted the access token: QQ's openid for this app, and the unionid when QQ gives one. */
export interface QqOwner {
  openid: string;
  unionid?: string;
}

export interface QqUser {
  nickname: string;
  avatarUrl?: string;
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
  return requiredString(fields, "access_token", badAnswer);
}

/** The openid (and unionid, when QQ has one for this app) of the QQ user who granted `accessToken`. */
export async function fetchOpenid(
  settings: QqSettings,
  accessToken: string,
): Promise<QqOwner> {
  const fields = await askQq(settings, "/oauth2.0/me", {
    access_token: accessToken,
    unionid: "1",
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
  const openid = requiredString(fields, "openid", badAnswer);
  // The openid becomes a KV key and a form value; QQ's are 32 hex digits.
  if (!isQqId(openid)) throw new QqError("bad_response");
  const unionid = fields.unionid;
  // A unionid only decorates the binding: one QQ sends in an odd shape is left out, not fatal.
  return typeof unionid === "string" && isQqId(unionid)
    ? { openid, unionid }
    : { openid };
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
  const text = await getFromProvider(
    settings,
    `${settings.apiBase}${path}?${new URLSearchParams(params)}`,
    (kind) => new QqError(kind),
  );
  const fields = parseQqAnswer(text);
  const failure = qqFailure(fields);
  if (failure !== undefined) throw new QqError(failure);
  return fields;
}

const badAnswer = () => new QqError("bad_response");

function isQqId(value: string): boolean {
  return /^[\w-]{1,128}$/.test(value);
}

function isHttpUrl(value: unknown): value is string {
  return typeof value === "string" && /^https?:\/\/\S+$/.test(value);
}
