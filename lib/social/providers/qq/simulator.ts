// A stand-in for QQ Connect in development, served by the app itself under /dev/qq (its `endpoints`,
// through routes/dev/[provider]/[...path].ts): the authorize step, then the token, me and get_user_info
// endpoints answering in QQ's own wire formats (which is why, unlike the rest of lib/, this file builds
// Responses). routes/dev/_middleware.ts keeps it unreachable unless QQ's simulator is on (never in
// production, never with real QQ credentials).
// It imports the provider it stands in for; the provider never imports it.
//
// KV layout: lib/social/simulator.ts's, under these names, and the avatars':
//
// | key                                   | value                                                         | lives   |
// | ------------------------------------- | ------------------------------------------------------------- | ------- |
// | ["qq_simulator_codes", code]          | GrantedCode (identityId: the openid)                          | 10 min  |
// | ["qq_simulator_access_tokens", token] | IssuedToken (identityId: the openid)                          | 90 days |
// | ["qq_simulator_identities", openid]   | QqIdentity: openid, nickname                                  | kept    |
// | ["qq_simulator_avatars", avatarKey]   | openid (avatar URLs name a hash, so pages never show openids) | kept    |
import type { App } from "@/lib/app/app.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import {
  authorizePageHandlers,
  type GrantRequest,
  type SimulatorEndpoints,
  simulatorStore,
} from "@/lib/social/simulator.ts";
import {
  avatarSvg,
  oauthRefusal,
  openApiRefusal,
  qqAnswer,
  type QqFormat,
  QqRefusal,
} from "./_simulator_wire.ts";
import { qqErrorMessage } from "./client.ts";
import { QQ_SIMULATOR, qqSettingsFor } from "./provider.ts";

export { CODE_TTL_MS } from "@/lib/social/simulator.ts";
export { QqRefusal };

/** Where the simulator is served; qqSettingsFor points the client here. */
export const SIMULATOR_PATH = QQ_SIMULATOR.path;
/** The simulator's one registered app, the development stand-in for QQ_CLIENT_ID / QQ_CLIENT_SECRET. */
export const SIMULATOR_CLIENT_ID = QQ_SIMULATOR.clientId;
export const SIMULATOR_CLIENT_SECRET = QQ_SIMULATOR.clientSecret;
/** QQ's own access token lifetime (90 days), as its `expires_in` says. */
export const ACCESS_TOKEN_TTL_SECONDS = 7_776_000;

export interface QqIdentity {
  /** 32 uppercase hex digits, as QQ's are. */
  openid: string;
  nickname: string;
}

export const PRESET_IDENTITIES: readonly QqIdentity[] = [
  { openid: "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D", nickname: "小明" },
  { openid: "1F2E3D4C5B6A79881F2E3D4C5B6A7988", nickname: "小红" },
  { openid: "C0FFEE00C0FFEE00C0FFEE00C0FFEE00", nickname: "张三" },
];

/** What the simulator needs from the app: its KV, its clock and its origin (for the avatars' URLs). */
export type Simulator = Pick<App, "kv" | "now" | "origin">;

/** A validated authorize request. */
export type AuthorizeRequest = GrantRequest;

const avatarKey = (key: string) => ["qq_simulator_avatars", key];
/** The avatar URL's last part for `openid`: a hash, so a page showing the avatar never shows the openid. */
export const avatarKeyOf = (openid: string) =>
  sha256Hex(`qq avatar ${openid}`).slice(0, 32);

/** Validates `/oauth2.0/authorize`'s query as QQ does; `registeredRedirectUri` is the app's callback. */
export function readAuthorizeRequest(
  query: URLSearchParams,
  registeredRedirectUri: string,
): AuthorizeRequest {
  if (query.get("response_type") !== "code") throw new QqRefusal(100000);
  const clientId = query.get("client_id");
  if (!clientId) throw new QqRefusal(100001);
  if (clientId !== SIMULATOR_CLIENT_ID) throw new QqRefusal(100008);
  const redirectUri = query.get("redirect_uri");
  // Exact match, stricter than QQ's same-domain rule, so a wrong callback shows up at once.
  if (redirectUri !== registeredRedirectUri) throw new QqRefusal(100010);
  return { clientId, redirectUri, state: query.get("state") };
}

/** The identity the authorize form chose, or what is wrong with the form. */
export function readIdentity(
  form: Record<string, string | undefined>,
): { identity: QqIdentity } | { problem: string } {
  const nickname = form.nickname?.trim() ?? "";
  if (nickname.length < 1 || nickname.length > 20) {
    return { problem: "请输入1-20个字符的QQ昵称" };
  }
  const openid = form.openid?.trim().toUpperCase() || newOpenid();
  if (!isQqHex(openid)) {
    return { problem: "openid应为32位十六进制数字，留空则自动生成" };
  }
  return { identity: { openid, nickname } };
}

const store = simulatorStore<QqIdentity>({
  id: "qq",
  tokensKey: "qq_simulator_access_tokens",
  presets: PRESET_IDENTITIES,
  idOf: (identity) => identity.openid,
  newCode: randomHex,
  newToken: randomHex,
  tokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
  alsoRemember: ({ openid }) => [[
    avatarKey(avatarKeyOf(openid)),
    openid,
  ]],
});

/** The identities to offer, and the user authorizing the app as one of them (a fresh code). */
export const { knownIdentities, grantCode } = store;

export async function findIdentity(
  sim: Simulator,
  openid: string,
): Promise<QqIdentity | null> {
  return isQqHex(openid) ? await store.findIdentity(sim, openid) : null;
}

/** The authorize page's GET and POST. */
export const authorizeHandlers = authorizePageHandlers<
  AuthorizeRequest,
  QqIdentity,
  QqRefusal
>({
  readRequest: readAuthorizeRequest,
  Refusal: QqRefusal,
  registeredRedirectUri: (app) => qqSettingsFor(app).redirectUri,
  readIdentity,
  knownIdentities,
  grantCode,
  picker: {
    heading: "QQ登录",
    look: "dev-qq",
    // The names QQ's page has had since 0.1.
    classes: {
      list: "dev-qq-identities",
      choice: "dev-qq-identity",
      nickname: "dev-qq-nickname",
      id: "dev-qq-openid",
      custom: "dev-qq-custom",
    },
    notice:
      "这是开发环境的QQ模拟器，不会连接真正的QQ。请选择用哪个QQ身份授权登录。",
    custom: {
      heading: "其他QQ身份",
      fields: [
        {
          label: "QQ昵称",
          input: { name: "nickname", required: true, maxLength: 20 },
        },
        {
          label: "openid（可选，留空则自动生成）",
          input: {
            name: "openid",
            maxLength: 32,
            pattern: "[0-9A-Fa-f]{32}",
            autoComplete: "off",
          },
        },
      ],
      submit: "授权并登录",
    },
  },
  choiceOf: ({ openid, nickname }) => ({
    key: openid,
    fields: { nickname, openid },
    nickname,
    id: openid,
  }),
  refusalPage: (refusal) => ({
    title: "QQ授权失败",
    message: qqErrorMessage(refusal.code),
  }),
});

/** `/oauth2.0/token`: a code, once, for an access token. Throws QqRefusal. */
export async function redeemCode(
  sim: Simulator,
  query: URLSearchParams,
): Promise<string> {
  if (query.get("grant_type") !== "authorization_code") {
    throw new QqRefusal(100004);
  }
  const clientId = query.get("client_id");
  if (!clientId) throw new QqRefusal(100001);
  if (clientId !== SIMULATOR_CLIENT_ID) throw new QqRefusal(100008);
  const secret = query.get("client_secret");
  if (!secret) throw new QqRefusal(100002);
  if (secret !== SIMULATOR_CLIENT_SECRET) throw new QqRefusal(100009);
  const code = query.get("code");
  if (!code) throw new QqRefusal(100005);
  const redirectUri = query.get("redirect_uri");
  if (!redirectUri) throw new QqRefusal(100010);

  if (!isQqHex(code)) throw new QqRefusal(100019);
  const entry = await store.findCode(sim, code);
  if (!entry) throw new QqRefusal(100019);
  const granted = entry.value;
  // A code is kept once used, so a second try answers 100020 as QQ does.
  if (granted.used) throw new QqRefusal(100020);
  if (sim.now() >= granted.expiresAt) throw new QqRefusal(100019);
  if (granted.clientId !== clientId) throw new QqRefusal(100019);
  if (granted.redirectUri !== redirectUri) throw new QqRefusal(100010);
  const accessToken = await store.spendCode(sim, entry);
  if (!accessToken) throw new QqRefusal(100020);
  return accessToken;
}

/** `/oauth2.0/me`: whom and which app `accessToken` was issued to. Throws QqRefusal. */
export async function tokenOwner(
  sim: Simulator,
  accessToken: string | null,
): Promise<{ clientId: string; openid: string }> {
  if (!accessToken) throw new QqRefusal(100007);
  if (!isQqHex(accessToken)) throw new QqRefusal(100013);
  const issued = await store.findToken(sim, accessToken);
  if (!issued) throw new QqRefusal(100016);
  if (sim.now() >= issued.expiresAt) throw new QqRefusal(100014);
  return { clientId: issued.clientId, openid: issued.identityId };
}

/** `/user/get_user_info`: the identity behind the token, if the app and openid match it. Throws QqRefusal. */
export async function userInfo(
  sim: Simulator,
  query: URLSearchParams,
): Promise<QqIdentity> {
  const owner = await tokenOwner(sim, query.get("access_token"));
  if (query.get("oauth_consumer_key") !== owner.clientId) {
    throw new QqRefusal(-1, "invalid oauth_consumer_key");
  }
  if (query.get("openid") !== owner.openid) {
    throw new QqRefusal(-1, "invalid openid");
  }
  const identity = await findIdentity(sim, owner.openid);
  if (!identity) throw new QqRefusal(-1, "invalid openid");
  return identity;
}

/** GET /oauth2.0/token: urlencoded by default, JSON with fmt=json; refusals as JSONP or JSON. */
export function answerTokenRequest(
  sim: Simulator,
  url: URL,
): Promise<Response> {
  const json = url.searchParams.get("fmt") === "json";
  return answerOrRefuse(json ? "json" : "jsonp", oauthRefusal, async () => {
    const accessToken = await redeemCode(sim, url.searchParams);
    // Refresh tokens are handed out for the shape's sake; the simulator does not honour them.
    const fields = {
      access_token: accessToken,
      expires_in: String(ACCESS_TOKEN_TTL_SECONDS),
      refresh_token: randomHex(),
    };
    return qqAnswer(fields, json ? "json" : "urlencoded");
  });
}

/** GET /oauth2.0/me: JSONP by default, JSON with fmt=json; with unionid=1 the user's unionid too. */
export function answerMeRequest(sim: Simulator, url: URL): Promise<Response> {
  const format = url.searchParams.get("fmt") === "json" ? "json" : "jsonp";
  return answerOrRefuse(format, oauthRefusal, async () => {
    const owner = await tokenOwner(sim, url.searchParams.get("access_token"));
    const fields = { client_id: owner.clientId, openid: owner.openid };
    return qqAnswer(
      url.searchParams.get("unionid") === "1"
        ? { ...fields, unionid: unionidOf(owner.openid) }
        : fields,
      format,
    );
  });
}

/** The simulated unionid of an openid: QQ's are `UID_` and hex digits, the same across a developer's apps. */
export function unionidOf(openid: string): string {
  return `UID_${openid}`;
}

/** GET /user/get_user_info: JSON with `ret` 0 and the avatar served by answerAvatarRequest. */
export function answerUserInfoRequest(
  sim: Simulator,
  url: URL,
): Promise<Response> {
  return answerOrRefuse("json", openApiRefusal, async () => {
    const identity = await userInfo(sim, url.searchParams);
    const avatar = `${sim.origin()}${SIMULATOR_PATH}/avatar/${
      avatarKeyOf(
        identity.openid,
      )
    }`;
    return qqAnswer({
      ret: 0,
      msg: "",
      is_lost: 0,
      nickname: identity.nickname,
      gender: "男", // QQ's default when it does not know
      figureurl_qq: avatar,
      figureurl_qq_1: avatar,
      figureurl_qq_2: avatar,
    }, "json");
  });
}

/** GET /avatar/<key>: the avatar image of the identity the key is made from, or null for an unknown key. */
export async function answerAvatarRequest(
  sim: Simulator,
  key: string,
): Promise<Response | null> {
  if (!/^[0-9a-f]{32}$/.test(key)) return null;
  const openid = (await sim.kv.get<string>(avatarKey(key))).value;
  const identity = openid && await findIdentity(sim, openid);
  if (!identity) return null;
  return new Response(avatarSvg(identity.openid, identity.nickname), {
    headers: { "content-type": "image/svg+xml" },
  });
}

/** The simulator's endpoints below /dev/qq/, as QQ's own are named. */
export const endpoints: SimulatorEndpoints = {
  "oauth2.0/authorize": authorizeHandlers,
  "oauth2.0/token": {
    GET: (_req, ctx) => answerTokenRequest(ctx.state.app, ctx.url),
  },
  "oauth2.0/me": {
    GET: (_req, ctx) => answerMeRequest(ctx.state.app, ctx.url),
  },
  "user/get_user_info": {
    GET: (_req, ctx) => answerUserInfoRequest(ctx.state.app, ctx.url),
  },
  // figureurl_qq_1 and _2 point here, by a key made from the openid.
  "avatar/:key": {
    GET: async (_req, ctx, { key }) =>
      await answerAvatarRequest(ctx.state.app, key) ?? ctx.renderNotFound(),
  },
};

async function answerOrRefuse(
  refusalFormat: QqFormat,
  refusalFields: (refusal: QqRefusal) => Record<string, string | number>,
  work: () => Promise<Response>,
): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof QqRefusal)) throw error;
    return qqAnswer(refusalFields(error), refusalFormat);
  }
}

/** A QQ-style openid: 32 uppercase hex digits. */
export function newOpenid(): string {
  return randomHex();
}

// QQ's codes, tokens and openids alike; checked before use as a KV key, which must stay under 2 KiB.
function isQqHex(value: string): boolean {
  return /^[0-9A-F]{32}$/.test(value);
}

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0"))
    .join("").toUpperCase();
}
