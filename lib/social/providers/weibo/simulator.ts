// A stand-in for Weibo's OAuth 2.0 in development, served by the app itself under /dev/weibo (its
// `endpoints`, through routes/dev/[provider]/[...path].ts): the authorize page (pick a Weibo user),
// then POST /oauth2/access_token, POST /oauth2/get_token_info and
// GET /2/users/show.json answering as Weibo does, its refusals as {"error","error_code",…} with 400,
// and its uids as numbers in some replies and strings in others. routes/dev/_middleware.ts keeps it
// unreachable unless Weibo's simulator is on. It imports the provider it stands in for, never the reverse.
//
// KV layout: lib/social/simulator.ts's, under these names:
//
// | key                                 | value                             | lives   |
// | ----------------------------------- | --------------------------------- | ------- |
// | ["weibo_simulator_codes", code]     | GrantedCode (identityId: the uid) | 10 min  |
// | ["weibo_simulator_tokens", token]   | IssuedToken (identityId: the uid) | 5 years |
// | ["weibo_simulator_identities", uid] | WeiboIdentity: uid, screenName    | kept    |
import { randomId } from "@/lib/core/crypto.ts";
import { readForm } from "@/lib/forms/posted.ts";
import {
  authorizePageHandlers,
  type GrantRequest,
  type SimulatorApp,
  type SimulatorEndpoints,
  simulatorStore,
} from "@/lib/social/simulator.ts";
import { WEIBO_SIMULATOR, weiboSettingsFor } from "./provider.ts";

export { CODE_TTL_MS } from "@/lib/social/simulator.ts";
export const SIMULATOR_CLIENT_ID = WEIBO_SIMULATOR.clientId;
export const SIMULATOR_CLIENT_SECRET = WEIBO_SIMULATOR.clientSecret;
/** What Weibo's tokens say they live (about five years). */
export const ACCESS_TOKEN_TTL_SECONDS = 157_679_999;

export interface WeiboIdentity {
  /** Weibo's uids are 10 digits. */
  uid: string;
  screenName: string;
}

export const PRESET_IDENTITIES: readonly WeiboIdentity[] = [
  { uid: "1404376560", screenName: "微博小明" },
  { uid: "2803301701", screenName: "微博小红" },
  { uid: "5689012345", screenName: "吃瓜群众" },
];

/** What the simulator needs from the app: its KV and its clock. */
export type Simulator = SimulatorApp;

/** Weibo refusing a request: its error name, code and description. */
export class WeiboRefusal extends Error {
  override name = "WeiboRefusal";

  constructor(
    readonly error: string,
    readonly errorCode: number,
    description: string,
  ) {
    super(description);
  }
}

const refusals = {
  invalidRequest: () =>
    new WeiboRefusal("invalid_request", 21323, "miss required parameter"),
  invalidClient: () =>
    new WeiboRefusal("invalid_client", 21324, "client id or secret wrong"),
  redirectMismatch: () =>
    new WeiboRefusal("redirect_uri_mismatch", 21322, "redirect uri mismatch"),
  invalidGrant: () =>
    new WeiboRefusal("invalid_grant", 21325, "invalid authorization code"),
  unsupportedGrant: () =>
    new WeiboRefusal("unsupported_grant_type", 21328, "unsupported grant"),
  unsupportedResponse: () =>
    new WeiboRefusal("unsupported_response_type", 21329, "unsupported type"),
  invalidToken: () =>
    new WeiboRefusal("invalid_access_token", 21332, "invalid_access_token"),
  expiredToken: () => new WeiboRefusal("expired_token", 21327, "expired_token"),
  noUser: () => new WeiboRefusal("User does not exists!", 20003, "no user"),
};

export type AuthorizeRequest = GrantRequest;

const store = simulatorStore<WeiboIdentity>({
  id: "weibo",
  presets: PRESET_IDENTITIES,
  idOf: (identity) => identity.uid,
  newCode: () => randomHex(16),
  newToken: () => `2.00${randomId(24)}`,
  tokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
});

/** Validates /oauth2/authorize's query as Weibo does; `registeredRedirectUri` is the app's callback. */
export function readAuthorizeRequest(
  query: URLSearchParams,
  registeredRedirectUri: string,
): AuthorizeRequest {
  const clientId = query.get("client_id");
  if (!clientId) throw refusals.invalidRequest();
  if (clientId !== SIMULATOR_CLIENT_ID) throw refusals.invalidClient();
  const responseType = query.get("response_type") ?? "code";
  if (responseType !== "code") throw refusals.unsupportedResponse();
  const redirectUri = query.get("redirect_uri");
  if (redirectUri !== registeredRedirectUri) throw refusals.redirectMismatch();
  return { clientId, redirectUri, state: query.get("state") };
}

/** The identity the page's form chose, or what is wrong with the form. */
export function readIdentity(
  form: Record<string, string | undefined>,
): { identity: WeiboIdentity } | { problem: string } {
  const screenName = form.screen_name?.trim() ?? "";
  if (screenName.length < 1 || screenName.length > 30) {
    return { problem: "请输入1-30个字符的微博昵称" };
  }
  const uid = form.uid?.trim() || newUid();
  if (!/^[1-9]\d{4,15}$/.test(uid)) {
    return { problem: "uid应为5-16位数字，留空则自动生成" };
  }
  return { identity: { uid, screenName } };
}

/** The identities to offer, and a user authorizing the app as one of them (a fresh code). */
export const { knownIdentities, grantCode } = store;

/** The authorize page's GET and POST. */
export const authorizeHandlers = authorizePageHandlers<
  AuthorizeRequest,
  WeiboIdentity,
  WeiboRefusal
>({
  readRequest: readAuthorizeRequest,
  Refusal: WeiboRefusal,
  registeredRedirectUri: (app) => weiboSettingsFor(app).redirectUri,
  readIdentity,
  knownIdentities,
  grantCode,
  picker: {
    heading: "微博登录",
    look: "dev-weibo",
    notice:
      "这是开发环境的微博模拟器，不会连接真正的微博。请选择用哪个微博账号授权登录。",
    custom: {
      heading: "其他微博账号",
      fields: [
        {
          label: "微博昵称",
          input: { name: "screen_name", required: true, maxLength: 30 },
        },
        {
          label: "uid（可选，留空则自动生成）",
          input: {
            name: "uid",
            maxLength: 16,
            inputMode: "numeric",
            autoComplete: "off",
          },
        },
      ],
      submit: "授权",
    },
  },
  choiceOf: ({ uid, screenName }) => ({
    key: uid,
    fields: { screen_name: screenName, uid },
    nickname: screenName,
    id: `uid ${uid}`,
  }),
  refusalPage: ({ error, errorCode }) => ({
    title: "微博授权失败",
    message: `${error}（错误码${errorCode}）`,
  }),
});

/** POST /oauth2/access_token: a code, once, for an access token and the uid (a string here). */
export async function redeemCode(sim: Simulator, form: URLSearchParams) {
  const clientId = form.get("client_id");
  const secret = form.get("client_secret");
  if (!clientId || !secret) throw refusals.invalidRequest();
  if (clientId !== SIMULATOR_CLIENT_ID || secret !== SIMULATOR_CLIENT_SECRET) {
    throw refusals.invalidClient();
  }
  if (form.get("grant_type") !== "authorization_code") {
    throw refusals.unsupportedGrant();
  }
  const code = form.get("code");
  const redirectUri = form.get("redirect_uri");
  if (!code || !redirectUri) throw refusals.invalidRequest();
  if (!/^[0-9a-f]{32}$/.test(code)) throw refusals.invalidGrant();
  const entry = await store.findCode(sim, code);
  if (
    !entry || entry.value.used || entry.value.clientId !== clientId ||
    sim.now() >= entry.value.expiresAt
  ) throw refusals.invalidGrant();
  if (entry.value.redirectUri !== redirectUri) {
    throw refusals.redirectMismatch();
  }
  const accessToken = await store.spendCode(sim, entry);
  if (!accessToken) throw refusals.invalidGrant();
  return {
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    remind_in: String(ACCESS_TOKEN_TTL_SECONDS),
    uid: entry.value.identityId,
  };
}

/** POST /oauth2/get_token_info: whose token it is, and whose app's (uid and appkey as numbers here). */
export async function tokenInfo(sim: Simulator, form: URLSearchParams) {
  const issued = await liveToken(sim, form.get("access_token"));
  return {
    uid: Number(issued.identityId),
    appkey: Number(issued.clientId),
    scope: null,
    create_at: Math.floor(issued.createdAt / 1000),
    expire_in: Math.floor((issued.expiresAt - sim.now()) / 1000),
  };
}

/** GET /2/users/show.json: a user's profile (id a number, idstr a string). */
export async function showUser(sim: Simulator, query: URLSearchParams) {
  await liveToken(sim, query.get("access_token"));
  const uid = query.get("uid") ?? "";
  const identity = /^\d{1,20}$/.test(uid)
    ? await store.findIdentity(sim, uid)
    : null;
  if (!identity) throw refusals.noUser();
  return {
    id: Number(identity.uid),
    idstr: identity.uid,
    screen_name: identity.screenName,
    name: identity.screenName,
    profile_image_url: "",
    gender: "n",
  };
}

/** POST /oauth2/access_token with its `form`, answered as Weibo does. */
export function answerTokenRequest(sim: Simulator, form: URLSearchParams) {
  return answer(() => redeemCode(sim, form));
}

/** POST /oauth2/get_token_info with its `form`. */
export function answerTokenInfoRequest(sim: Simulator, form: URLSearchParams) {
  return answer(() => tokenInfo(sim, form));
}

/** GET /2/users/show.json. */
export function answerShowUserRequest(sim: Simulator, url: URL) {
  return answer(() => showUser(sim, url.searchParams));
}

/** The simulator's endpoints below /dev/weibo/, as Weibo's own are named. */
export const endpoints: SimulatorEndpoints = {
  "oauth2/authorize": authorizeHandlers,
  "oauth2/access_token": {
    POST: async (req, ctx) =>
      answerTokenRequest(ctx.state.app, await postedForm(req)),
  },
  "oauth2/get_token_info": {
    POST: async (req, ctx) =>
      answerTokenInfoRequest(ctx.state.app, await postedForm(req)),
  },
  "2/users/show.json": {
    GET: (_req, ctx) => answerShowUserRequest(ctx.state.app, ctx.url),
  },
};

async function postedForm(req: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await readForm(req));
}

async function liveToken(sim: Simulator, token: string | null) {
  if (!token) throw refusals.invalidRequest();
  const issued = /^[\w.-]{1,64}$/.test(token)
    ? await store.findToken(sim, token)
    : null;
  if (!issued) throw refusals.invalidToken();
  if (sim.now() >= issued.expiresAt) throw refusals.expiredToken();
  return issued;
}

async function answer(work: () => Promise<object>): Promise<Response> {
  try {
    return Response.json(await work());
  } catch (error) {
    if (!(error instanceof WeiboRefusal)) throw error;
    return Response.json({
      error: error.error,
      error_code: error.errorCode,
      error_description: error.message,
    }, { status: 400 });
  }
}

/** A Weibo-like uid: 10 digits, not starting with 0. */
export function newUid(): string {
  const [first, ...rest] = crypto.getRandomValues(new Uint8Array(10));
  return `${1 + first % 9}${rest.map((byte) => byte % 10).join("")}`;
}

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}
