// The Weibo OAuth 2.0 client: the authorize URL, then code → access token and uid, checked with
// get_token_info (the token must be our app's), → the user's screen name. Errors come as
// {"error","error_code","error_description"} with a 4xx status.
import {
  callProvider,
  type ClientSettings,
  isProviderFields,
  parseProviderJson,
  type ProviderFields as Fields,
} from "@/lib/social/provider.ts";
import { WeiboError } from "./_errors.ts";

export { WeiboError, type WeiboErrorCode } from "./_errors.ts";

export interface WeiboSettings extends ClientSettings {
  /** Base of Weibo's endpoints (https://api.weibo.com), without a trailing slash. */
  apiBase: string;
}

export interface WeiboGrant {
  accessToken: string;
  uid: string;
}

export interface WeiboUser {
  uid: string;
  screenName: string;
  profileImageUrl?: string;
}

/** Where to send the browser; Weibo sends it back to redirectUri with `code` and this `state`. */
export function authorizeUrl(settings: WeiboSettings, state: string): string {
  const query = new URLSearchParams({
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    response_type: "code",
    state,
  });
  return `${settings.apiBase}/oauth2/authorize?${query}`;
}

/** Trades the callback's `code` for an access token and the user's uid. */
export async function exchangeCode(
  settings: WeiboSettings,
  code: string,
): Promise<WeiboGrant> {
  const fields = await askWeibo(settings, "POST", "/oauth2/access_token", {
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    grant_type: "authorization_code",
    code,
    redirect_uri: settings.redirectUri,
  });
  const accessToken = fields.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new WeiboError("bad_response");
  }
  return { accessToken, uid: uidOf(fields.uid) };
}

/** Checks with Weibo that `grant`'s token was issued to this app, for this uid (token substitution). */
export async function checkTokenInfo(
  settings: WeiboSettings,
  grant: WeiboGrant,
): Promise<void> {
  const fields = await askWeibo(settings, "POST", "/oauth2/get_token_info", {
    access_token: grant.accessToken,
  });
  // Weibo sends appkey and uid as numbers in some replies and strings in others: compared as text.
  if (!isId(fields.appkey)) throw new WeiboError("bad_response");
  if (String(fields.appkey) !== settings.clientId) {
    throw new WeiboError("client_mismatch");
  }
  if (uidOf(fields.uid) !== grant.uid) throw new WeiboError("bad_response");
}

/** The user's screen name and picture. */
export async function fetchUser(
  settings: WeiboSettings,
  grant: WeiboGrant,
): Promise<WeiboUser> {
  const fields = await askWeibo(settings, "GET", "/2/users/show.json", {
    access_token: grant.accessToken,
    uid: grant.uid,
  });
  const id = fields.idstr ?? fields.id;
  if (!isId(id) || String(id) !== grant.uid) {
    throw new WeiboError("bad_response");
  }
  if (typeof fields.screen_name !== "string") {
    throw new WeiboError("bad_response");
  }
  const user: WeiboUser = { uid: grant.uid, screenName: fields.screen_name };
  const picture = fields.avatar_large ?? fields.profile_image_url;
  if (typeof picture === "string" && /^https?:\/\/\S+$/.test(picture)) {
    user.profileImageUrl = picture;
  }
  return user;
}

async function askWeibo(
  settings: WeiboSettings,
  method: "GET" | "POST",
  path: string,
  params: Record<string, string>,
): Promise<Fields> {
  const query = new URLSearchParams(params);
  const { status, text } = await callProvider({
    url: `${settings.apiBase}${path}${method === "GET" ? `?${query}` : ""}`,
    init: method === "POST"
      ? {
        method,
        body: query,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }
      : undefined,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
  }, (kind) => new WeiboError(kind));
  const fields = parseProviderJson(text);
  if (fields === undefined) {
    // Not Weibo's JSON: with a 2xx a bad answer, else (a redirect, a proxy's error page) trouble on the way.
    throw new WeiboError(
      status >= 200 && status < 300 ? "bad_response" : "bad_status",
    );
  }
  if (!isProviderFields(fields)) throw new WeiboError("bad_response");
  const { error_code: code } = fields;
  if (code !== undefined || status >= 400) {
    const number = typeof code === "string" ? Number(code) : code;
    throw new WeiboError(
      typeof number === "number" && Number.isInteger(number) && number > 0
        ? number
        : "bad_status",
    );
  }
  if (status < 200 || status > 299) throw new WeiboError("bad_status");
  return fields;
}

// Weibo's uids are digits, sent as a number or a string; they become KV keys and form values.
function uidOf(value: unknown): string {
  if (!isId(value)) throw new WeiboError("bad_response");
  return String(value);
}

function isId(value: unknown): value is string | number {
  return (typeof value === "number" && Number.isSafeInteger(value) &&
    value > 0) ||
    (typeof value === "string" && /^\d{1,20}$/.test(value));
}
