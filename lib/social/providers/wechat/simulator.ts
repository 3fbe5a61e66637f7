// A stand-in for WeChat's website login in development, served by the app itself under /dev/wechat (its
// `endpoints`, through routes/dev/[provider]/[...path].ts): the QR-code page (where the developer picks
// who "scans" it), then /sns/oauth2/access_token and
// /sns/userinfo answering as WeChat does, refusals included ({"errcode","errmsg"} with HTTP 200).
// routes/dev/_middleware.ts keeps it unreachable unless WeChat's simulator is on (never in production,
// never with real WeChat credentials). It imports the provider it stands in for, never the reverse.
//
// KV layout: lib/social/simulator.ts's, under these names (clientId there is WeChat's appid):
//
// | key                                     | value                                      | lives  |
// | --------------------------------------- | ------------------------------------------ | ------ |
// | ["wechat_simulator_codes", code]        | GrantedCode (identityId: the openid)       | 10 min |
// | ["wechat_simulator_tokens", token]      | IssuedToken (identityId: the openid)       | 2 h    |
// | ["wechat_simulator_identities", openid] | WechatIdentity: openid, unionid?, nickname | kept   |
import { randomId } from "@/lib/core/crypto.ts";
import {
  authorizePageHandlers,
  type SimulatorApp,
  type SimulatorEndpoints,
  simulatorStore,
} from "@/lib/social/simulator.ts";
import { WECHAT_SIMULATOR, wechatSettingsFor } from "./provider.ts";

export { CODE_TTL_MS } from "@/lib/social/simulator.ts";
export const SIMULATOR_APP_ID = WECHAT_SIMULATOR.clientId;
export const SIMULATOR_APP_SECRET = WECHAT_SIMULATOR.clientSecret;
/** WeChat's access token lifetime, as its `expires_in` says. */
export const ACCESS_TOKEN_TTL_SECONDS = 7200;

export interface WechatIdentity {
  /** 28 URL-safe characters, as WeChat's are. */
  openid: string;
  /** Only for apps on an Open Platform account; the third preset has none. */
  unionid?: string;
  nickname: string;
}

export const PRESET_IDENTITIES: readonly WechatIdentity[] = [
  {
    openid: "oQ8Yk5xmI2Jg4pTfZ0a1b2c3d4e5",
    unionid: "oU7Ld9wqR3Hh5sVeY1f2g3h4i5j6",
    nickname: "微信小明",
  },
  {
    openid: "oQ8Yk5yNb7Kc2rWdX9k8l7m6n5o4",
    unionid: "oU7Ld9zTc4Mm8uXbV0p9q8r7s6t5",
    nickname: "微信小红",
  },
  { openid: "oQ8Yk5zPq1Lr6sTuV2w3x4y5z6A7", nickname: "无unionid用户" },
];

/** What the simulator needs from the app: its KV and its clock. */
export type Simulator = SimulatorApp;

/** WeChat refusing the QR-code page: it shows a message, not a code. */
export class WechatPageRefusal extends Error {
  override name = "WechatPageRefusal";
}

/** WeChat refusing an API call: {"errcode","errmsg"}. */
export class WechatApiRefusal extends Error {
  override name = "WechatApiRefusal";

  constructor(readonly errcode: number, readonly errmsg: string) {
    super(errmsg);
  }
}

export interface AuthorizeRequest {
  appId: string;
  redirectUri: string;
  state: string | null;
}

const store = simulatorStore<WechatIdentity>({
  id: "wechat",
  presets: PRESET_IDENTITIES,
  idOf: (identity) => identity.openid,
  newCode: () => randomId(24),
  newToken: () => randomId(32),
  tokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
});

/** Validates /connect/qrconnect's query as WeChat does; `registeredRedirectUri` is the app's callback. */
export function readAuthorizeRequest(
  query: URLSearchParams,
  registeredRedirectUri: string,
): AuthorizeRequest {
  const appId = query.get("appid");
  if (appId !== SIMULATOR_APP_ID) throw new WechatPageRefusal("参数错误");
  if (query.get("scope") !== "snsapi_login") {
    throw new WechatPageRefusal("Scope 参数错误或没有 Scope 权限");
  }
  if (query.get("response_type") !== "code") {
    throw new WechatPageRefusal("参数错误");
  }
  const redirectUri = query.get("redirect_uri");
  // Exact match, stricter than WeChat's same-domain rule, so a wrong callback shows up at once.
  if (redirectUri !== registeredRedirectUri) {
    throw new WechatPageRefusal("redirect_uri 参数错误");
  }
  return { appId, redirectUri, state: query.get("state") };
}

/** The identity the page's form chose, or what is wrong with the form. */
export function readIdentity(
  form: Record<string, string | undefined>,
): { identity: WechatIdentity } | { problem: string } {
  const nickname = form.nickname?.trim() ?? "";
  if (nickname.length < 1 || nickname.length > 20) {
    return { problem: "请输入1-20个字符的微信昵称" };
  }
  const openid = form.openid?.trim() || newWechatId();
  const unionid = form.unionid?.trim() || undefined;
  for (const id of [openid, unionid]) {
    if (id !== undefined && !isWechatId(id)) {
      return { problem: "openid和unionid应为6-64位字母、数字、-或_" };
    }
  }
  return {
    identity: unionid ? { openid, unionid, nickname } : { openid, nickname },
  };
}

/** The identities to offer: the presets, then ones used before. */
export const { knownIdentities } = store;

/** `identity` "scanned" the QR code and agreed: remembers it, and answers the callback URL with a code. */
export function grantCode(
  sim: Simulator,
  { appId, redirectUri, state }: AuthorizeRequest,
  identity: WechatIdentity,
): Promise<string> {
  return store.grantCode(
    sim,
    { clientId: appId, redirectUri, state },
    identity,
  );
}

/** The QR-code page's GET and POST. */
export const authorizeHandlers = authorizePageHandlers<
  AuthorizeRequest,
  WechatIdentity,
  WechatPageRefusal
>({
  readRequest: readAuthorizeRequest,
  Refusal: WechatPageRefusal,
  registeredRedirectUri: (app) => wechatSettingsFor(app).redirectUri,
  readIdentity,
  knownIdentities,
  grantCode,
  picker: {
    heading: "微信登录",
    look: "dev-wechat",
    notice:
      "这是开发环境的微信模拟器，不会连接真正的微信。请选择由哪个微信用户“扫码”并确认登录。",
    custom: {
      heading: "其他微信用户",
      fields: [
        {
          label: "微信昵称",
          input: { name: "nickname", required: true, maxLength: 20 },
        },
        {
          label: "openid（可选，留空则自动生成）",
          input: { name: "openid", maxLength: 64, autoComplete: "off" },
        },
        {
          label: "unionid（可选，留空则没有unionid）",
          input: { name: "unionid", maxLength: 64, autoComplete: "off" },
        },
      ],
      submit: "确认登录",
    },
  },
  choiceOf: ({ openid, unionid, nickname }) => ({
    key: openid,
    fields: { nickname, openid, unionid: unionid ?? "" },
    nickname,
    id: unionid ? `unionid ${unionid}` : `openid ${openid}（无unionid）`,
  }),
  refusalPage: (refusal) => ({
    title: "微信登录失败",
    message: refusal.message,
  }),
  qrCode: (query) => qrModules(query.get("state") ?? ""),
});

/** /sns/oauth2/access_token: a code, once, for an access token and who granted it. */
export async function redeemCode(sim: Simulator, query: URLSearchParams) {
  const appId = query.get("appid");
  if (!appId) throw new WechatApiRefusal(41002, "appid missing");
  if (appId !== SIMULATOR_APP_ID) {
    throw new WechatApiRefusal(40013, "invalid appid");
  }
  const secret = query.get("secret");
  if (!secret) throw new WechatApiRefusal(41004, "appsecret missing");
  if (secret !== SIMULATOR_APP_SECRET) {
    throw new WechatApiRefusal(40125, "invalid appsecret");
  }
  if (query.get("grant_type") !== "authorization_code") {
    throw new WechatApiRefusal(40002, "invalid grant_type");
  }
  const code = query.get("code");
  if (!code) throw new WechatApiRefusal(41008, "missing code");
  if (!/^[\w-]{1,64}$/.test(code)) {
    throw new WechatApiRefusal(40029, "invalid code");
  }
  const entry = await store.findCode(sim, code);
  if (
    !entry || entry.value.clientId !== appId ||
    sim.now() >= entry.value.expiresAt
  ) throw new WechatApiRefusal(40029, "invalid code");
  const granted = entry.value;
  // A code is kept once used, so a second try answers 40163 as WeChat does.
  if (granted.used) throw new WechatApiRefusal(40163, "code been used");
  const identity = await store.findIdentity(sim, granted.identityId);
  if (!identity) throw new WechatApiRefusal(40029, "invalid code");
  const accessToken = await store.spendCode(sim, entry);
  if (!accessToken) throw new WechatApiRefusal(40163, "code been used");
  return {
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: randomId(32),
    openid: identity.openid,
    scope: "snsapi_login",
    ...(identity.unionid ? { unionid: identity.unionid } : {}),
  };
}

/** /sns/userinfo: the identity behind the token, if the openid is the token's. */
export async function userInfo(sim: Simulator, query: URLSearchParams) {
  const token = query.get("access_token");
  if (!token) throw new WechatApiRefusal(41001, "access_token missing");
  const issued = /^[\w-]{1,64}$/.test(token)
    ? await store.findToken(sim, token)
    : null;
  if (!issued) {
    throw new WechatApiRefusal(
      40001,
      "invalid credential, access_token is invalid or not latest",
    );
  }
  if (sim.now() >= issued.expiresAt) {
    throw new WechatApiRefusal(42001, "access_token expired");
  }
  if (query.get("openid") !== issued.identityId) {
    throw new WechatApiRefusal(40003, "invalid openid");
  }
  const identity = await store.findIdentity(sim, issued.identityId);
  if (!identity) throw new WechatApiRefusal(40003, "invalid openid");
  return {
    openid: identity.openid,
    nickname: identity.nickname,
    sex: 0,
    province: "",
    city: "",
    country: "CN",
    headimgurl: "", // WeChat sends "" for a user without a picture
    privilege: [],
    ...(identity.unionid ? { unionid: identity.unionid } : {}),
  };
}

/** GET /sns/oauth2/access_token, answered as WeChat does: JSON, and 200 for its refusals too. */
export function answerTokenRequest(sim: Simulator, url: URL) {
  return answer(() => redeemCode(sim, url.searchParams));
}

/** GET /sns/userinfo. */
export function answerUserInfoRequest(sim: Simulator, url: URL) {
  return answer(() => userInfo(sim, url.searchParams));
}

/** The simulator's endpoints below /dev/wechat/, as WeChat's own are named. */
export const endpoints: SimulatorEndpoints = {
  "connect/qrconnect": authorizeHandlers,
  "sns/oauth2/access_token": {
    GET: (_req, ctx) => answerTokenRequest(ctx.state.app, ctx.url),
  },
  "sns/userinfo": {
    GET: (_req, ctx) => answerUserInfoRequest(ctx.state.app, ctx.url),
  },
};

async function answer(work: () => Promise<object>): Promise<Response> {
  try {
    return Response.json(await work());
  } catch (error) {
    if (!(error instanceof WechatApiRefusal)) throw error;
    return Response.json({ errcode: error.errcode, errmsg: error.errmsg });
  }
}

/**
 * A QR code's look for `seed`: 25×25 modules, the three finder squares in their corners, the rest from
 * the seed. It encodes nothing; it is there so the page looks like the one people know.
 */
export function qrModules(seed: string): boolean[][] {
  const size = 25;
  let hash = 2166136261;
  for (const char of seed) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  }
  const next = () => {
    hash ^= hash << 13;
    hash ^= hash >>> 17;
    hash ^= hash << 5;
    return (hash >>> 0) % 2 === 0;
  };
  const finder = (row: number, col: number) => {
    for (const [top, left] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
      const r = row - top, c = col - left;
      if (r >= -1 && r <= 7 && c >= -1 && c <= 7) {
        if (r < 0 || r > 6 || c < 0 || c > 6) return false; // the quiet ring
        return r === 0 || r === 6 || c === 0 || c === 6 ||
          (r >= 2 && r <= 4 && c >= 2 && c <= 4);
      }
    }
    return null;
  };
  return Array.from(
    { length: size },
    (_, row) =>
      Array.from({ length: size }, (_, col) => finder(row, col) ?? next()),
  );
}

/** A WeChat-like openid: "o" and 27 URL-safe characters. */
export function newWechatId(): string {
  return `o${randomId(21).slice(0, 27)}`;
}

function isWechatId(value: string): boolean {
  return /^[\w-]{6,64}$/.test(value);
}
