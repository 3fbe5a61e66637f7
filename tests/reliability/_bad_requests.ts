// Bad requests, generated from a seed: each is one way a client, a scanner or an attacker gets it wrong,
// with the answer the contract promises for it. The shapes depend only on the seed; the live values
// (bind tokens, codes, port) are the running server's. Form posts are in _bad_forms.ts.
import {
  BAD_MOBILES,
  BIND_ROUTES,
  encodeFields,
  FORM_ROUTES,
  formKinds,
  latin1,
  MAX_BODY,
} from "./_bad_forms.ts";
import {
  below500,
  jsonError,
  type Judge,
  notLoggedIn,
  redirectsTo,
  refusedWith,
  smsAnswer,
  status,
} from "./_judges.ts";
import { messages } from "@/lib/messages.ts";

export interface Prng {
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  bytes(length: number): Uint8Array<ArrayBuffer>;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    int,
    pick: (items) => items[int(items.length)],
    chance: (probability) => next() < probability,
    bytes: (length) => Uint8Array.from({ length }, () => int(256)),
  };
}

/** What the generator needs from the running server. */
export interface Setup {
  origin: string;
  /** Genuine bind tokens: only ever sent tampered, from another browser, cross-site, or with a mobile that has no code. */
  tokens: string[];
  /** The cookie of the browser each genuine token was issued to, in the same order. */
  browsers: string[];
  /** The callback each genuine token's provider takes its bind at, in the same order. */
  callbacks: string[];
  /** Tokens no login issued: made up, too long, the 0.1 kind (a JWE). */
  forgedTokens: string[];
  /** Mobiles with a live code: only ever posted with that right code and a bad token, so it stays live. */
  reserved: { mobile: string; code: string }[];
}

export interface BadRequest {
  kind: string;
  method: string;
  /** Path and query. */
  target: string;
  headers: [string, string][];
  body?: Uint8Array<ArrayBuffer>;
  /** Sent as a stream, with no Content-Length. */
  chunked?: boolean;
  /** The whole request, byte for byte, for what fetch would normalise (`..`, raw bytes, bad headers). */
  raw?: Uint8Array<ArrayBuffer>;
  judge: Judge;
}

/** The generator's seeded randomness and the server's live values. */
export interface Gen {
  prng: Prng;
  setup: Setup;
}

export type BadKind = () => Omit<BadRequest, "kind">;

/** `count` bad requests, the kinds taken in turn. */
export function generate(prng: Prng, setup: Setup, count: number) {
  const kinds = {
    ...formKinds({ prng, setup }),
    ...requestKinds({ prng, setup }),
  };
  const names = Object.keys(kinds);
  return Array.from({ length: count }, (_, i): BadRequest => {
    const kind = names[i % names.length];
    return { ...kinds[kind](), kind };
  });
}

const PROVIDERS = ["qq", "wechat", "weibo"] as const;
const POST_ROUTES = [
  ...FORM_ROUTES,
  "/logout",
  ...PROVIDERS.map((provider) => `/account/${provider}/unbind`),
  "/account/sessions/revoke",
  "/account/password",
  "/account/mobile",
  "/account/delete",
  "/account/confirm",
  "/password/reset",
  "/sms_codes/13800138000",
  "/dev/qq/oauth2.0/authorize?response_type=code&client_id=101000001",
  "/dev/wechat/connect/qrconnect?appid=wx5e1d6c7b8a9f0e1d",
  "/dev/weibo/oauth2/authorize?client_id=3710000001",
  "/dev/weibo/oauth2/access_token",
  "/dev/weibo/oauth2/get_token_info",
];
const GET_ROUTES = [
  "/",
  "/login",
  "/register",
  "/account",
  ...PROVIDERS.map((provider) => `/oauth/${provider}/login`),
  ...BIND_ROUTES,
  ...PROVIDERS.map((provider) => `/account/${provider}/unbind`),
  "/account/sessions",
  "/account/password",
  "/account/mobile",
  "/account/delete",
  "/account/confirm",
  "/password/reset",
  "/dev/qq/oauth2.0/authorize",
  "/dev/qq/oauth2.0/token",
  "/dev/qq/oauth2.0/me",
  "/dev/qq/user/get_user_info",
  "/dev/qq/avatar/9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D",
  "/image_codes/0f8fad5b-d9cb-469f-a165-70867728950e",
  "/image_codes/not-a-uuid",
  "/dev/wechat/connect/qrconnect",
  "/dev/wechat/sns/oauth2/access_token",
  "/dev/wechat/sns/userinfo",
  "/dev/weibo/oauth2/authorize",
  "/dev/weibo/2/users/show.json",
  "/styles.css",
  "/nowhere",
];
const ODD_SEGMENTS = [
  "%",
  "%00",
  "..",
  "%2e%2e",
  "%2f",
  "%5c",
  "用户",
  "%E4%BD",
  "%FF",
  "%C0%AE",
  "\\",
  "",
  ";",
  "@",
  "~",
  "*",
  "%u0041",
  "sms_codes",
  "image_codes",
  "dev",
  "qq",
  "oauth_callback",
  "_frsh",
  "static",
  "\xff\xfe", // bytes that are no UTF-8 at all
];
const CROSS_SITE_HEADERS: [string, string][][] = [
  [["origin", "https://evil.example"]],
  [["origin", "null"]],
  [["sec-fetch-site", "cross-site"]],
  [["sec-fetch-site", "same-site"]],
  [["origin", "https://evil.example"], ["sec-fetch-site", "cross-site"]],
  [["origin", "http://localhost"]],
];

// Codes are sent to these, never guessed at with a valid bind.
const FUZZ_SMS_MOBILE = "159";
const encoder = new TextEncoder();

function requestKinds({ prng, setup }: Gen): Record<string, BadKind> {
  return {
    huge_body: hugeBody,
    odd_path: oddPath,
    odd_query: oddQuery,
    forged_cookie: forgedCookie,
    forged_state: forgedState,
    forged_bind_token: forgedBindToken,
    forged_host: forgedHost,
    cross_origin: crossOrigin,
    odd_method: oddMethod,
    bad_host: badHost,
    sms_endpoint: smsEndpoint,
    qq_simulator: qqSimulator,
    wechat_simulator: wechatSimulator,
    weibo_simulator: weiboSimulator,
  };

  function hugeBody(): ReturnType<BadKind> {
    // Chunked, there is no Content-Length to refuse it by: routes that never read a body get it too.
    const chunked = prng.chance(0.3);
    const target = prng.pick([...POST_ROUTES, "/nowhere"]);
    const body = new Uint8Array(MAX_BODY + 1 + prng.int(192 * 1024)).fill(
      prng.pick([0x61, 0x26, 0x3d, 0x00]),
    );
    return {
      method: "POST",
      target,
      headers: [["content-type", "application/x-www-form-urlencoded"]],
      body,
      chunked,
      judge: status(413),
    };
  }

  // ---- paths, queries, cookies ----

  function oddPath(): ReturnType<BadKind> {
    const segments = Array.from(
      { length: 1 + prng.int(6) },
      () => prng.pick(ODD_SEGMENTS),
    );
    let path = "/" + segments.join("/");
    if (prng.chance(0.1)) path += "/" + "a".repeat(2000 + prng.int(6000));
    if (prng.chance(0.3)) path += "?" + oddQueryString();
    const method = prng.pick(["GET", "HEAD", "POST"]);
    const headers = prng.pick<[string, string][]>([
      [],
      [],
      [["cookie", "session=\xff\xfe; oauth_state_AAAAAAAA=\xc0\xae"]],
      [["x-forwarded-for", "\xff\xfe"]],
      [["origin", "\xff"]],
    ]);
    return {
      method,
      target: path,
      headers,
      raw: rawRequest(method, path, headers, new Uint8Array()),
      // A path of raw bytes is no HTTP: the server may refuse it (400) before any cross-site check.
      // One that ends in "/" is first sent to the path without it, before any check (Fresh 1.x
      // does so ahead of middleware): the refusal meets the redirected request.
      judge: method === "POST" && headers[0]?.[0] === "origin" &&
          /^[\x21-\x7e]*$/.test(path)
        ? slashless(path) ? redirectsTo(slashless(path)!, 307) : status(403)
        : below500,
    };
  }

  /** Where Fresh 1.x redirects a path ending in "/" (repeated slashes collapsed first), else null. */
  function slashless(target: string): string | null {
    // As the server reads a request target: appended to its origin.
    const path = URL.parse(setup.origin + target)?.pathname
      .replaceAll(/\/+/g, "/") ?? "";
    return path.length > 1 && path.endsWith("/")
      ? path.replace(/\/+$/, "")
      : null;
  }

  function oddQueryString(): string {
    const name = prng.pick(["next", "code", "state", "fmt", "access_token"]);
    const value = prng.pick([
      "%",
      "%00",
      "%zz",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "/%2F%2Fevil.example",
      "/%E4%BD%A0", // past U+00FF: no header can carry it decoded
      "/%C0%AF", // no UTF-8 at all
      "/%FF%FE?q=%E5%A5%BD",
      "javascript:alert(1)",
      "/ok\r\nset-cookie:x=1",
      "用户",
      "x".repeat(3000),
      "&&&===",
    ]);
    return `${name}=${value}&${name}=${prng.pick(["", "/"])}`;
  }

  function oddQuery(): ReturnType<BadKind> {
    const route = prng.pick(GET_ROUTES);
    const target = `${route}?${oddQueryString()}`;
    const authorize: Record<string, string> = {
      "/oauth/qq/login": "/dev/qq/oauth2.0/authorize?",
      "/oauth/wechat/login": "/dev/wechat/connect/qrconnect?",
      "/oauth/weibo/login": "/dev/weibo/oauth2/authorize?",
    };
    const judge = (BIND_ROUTES as readonly string[]).includes(route)
      ? status(400) // no state cookie, no pending bind: the contract's "not this browser's"
      : route in authorize
      ? redirectsTo(`${setup.origin}${authorize[route]}`, 302)
      : below500;
    return { method: "GET", target, headers: [], judge };
  }

  function forgedCookie(): ReturnType<BadKind> {
    const id = () => btoa(String.fromCharCode(...prng.bytes(32)));
    const cookie = prng.pick([
      () =>
        `session=${id().replace(/\+/g, "-").replace(/\//g, "_").slice(0, 43)}`,
      () => `session=${id()}`,
      () => `session=${"A".repeat(43)}; session=${"B".repeat(43)}`,
      () => `session=%E0%A4%A; username=%FF`,
      () => `username=admin`,
      () => `username=${encodeURIComponent("<b>管理员</b>")}; session=`,
      () => `session=${"x".repeat(3000)}`,
      () => `=; ;;; session`,
    ])();
    const [method, target, judge] = prng.pick<[string, string, Judge]>([
      ["GET", "/", notLoggedIn],
      ["GET", "/account", redirectsTo("/login?next=/account", 303)],
      ["POST", "/account/qq/unbind", redirectsTo("/login?next=/account", 303)],
      [
        "GET",
        "/account/sessions",
        redirectsTo("/login?next=/account/sessions", 303),
      ],
      [
        "POST",
        "/account/sessions/revoke",
        redirectsTo("/login?next=/account", 303),
      ],
      ["POST", "/account/delete", redirectsTo("/login?next=/account", 303)],
      ["POST", "/logout", redirectsTo("/", 303)],
    ]);
    return { method, target, headers: [["cookie", cookie]], judge };
  }

  function forgedState(): ReturnType<BadKind> {
    const state = prng.pick([
      btoa(String.fromCharCode(...prng.bytes(16))).slice(0, 22),
      "",
      "x".repeat(65),
      "%00",
    ]);
    const cookieState = prng.chance(0.6) ? state : "another-state-value";
    const code = prng.pick(["", "C0FFEE00C0FFEE00C0FFEE00C0FFEE00", "%"]);
    return {
      method: "GET",
      target: `/oauth_callback?code=${code}&state=${encodeURIComponent(state)}`,
      headers: [[
        "cookie",
        `oauth_state_${state.slice(0, 8)}=${encodeURIComponent(cookieState)}`,
      ]],
      judge: status(400),
    };
  }

  /**
   * A bind whose only fault is its token: made up, tampered with, or genuine but posted from a browser
   * that was not given it (no cookie, another browser's, a planted one, another provider's).
   */
  function forgedBindToken(): ReturnType<BadKind> {
    const { mobile, code } = prng.pick(setup.reserved);
    const at = prng.int(setup.tokens.length);
    const [token, browser] = [setup.tokens[at], setup.browsers[at]];
    const other = setup.browsers[(at + 1) % setup.browsers.length];
    const name = browser.slice(0, browser.indexOf("="));
    // Mostly at the token's own callback; sometimes at another provider's, which it is not for.
    const own = setup.callbacks[at];
    const target = prng.chance(0.8)
      ? own
      : prng.pick(setup.callbacks.filter((path) => path !== own));
    const faults: [string, string][] = [
      [prng.pick(setup.forgedTokens), browser],
      [tamper(token), browser],
      [tamper(token), browser.replace(token, tamper(token))],
      [token, ""],
      [token, other],
      [token, `${name}=${token.split("").reverse().join("")}`],
      [token, `__Host-${browser}`],
    ];
    const [access_token, cookie] = target === own
      ? prng.pick(faults)
      : [token, browser]; // the genuine token and its browser, at the wrong callback
    const body = encoder.encode(encodeFields([
      ["mobile", mobile],
      ["password", "secret123"],
      ["sms_code", code],
      ["allow", "on"],
      ["access_token", access_token],
    ]));
    const headers: [string, string][] = [[
      "content-type",
      "application/x-www-form-urlencoded",
    ]];
    if (cookie) headers.push(["cookie", cookie]);
    return {
      method: "POST",
      target,
      headers,
      body,
      judge: refusedWith(messages.bindTokenInvalid),
    };
  }

  /** Another token of the same shape, or not quite the shape. */
  function tamper(token: string): string {
    const at = prng.int(token.length);
    const alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const swapped =
      alphabet[(alphabet.indexOf(token[at]) + 1 + prng.int(63)) % 64];
    return prng.pick([
      token.slice(0, at) + swapped + token.slice(at + 1),
      token.slice(0, prng.int(token.length)),
      token + prng.pick(["x", "=", ".", token]),
      token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase(),
    ]);
  }

  /**
   * A login started under a Host the server is not (a DNS rebinding, a forged header): every URL the
   * app makes still starts at its own origin, so no Host sends the server, or the browser, elsewhere.
   */
  function forgedHost(): ReturnType<BadKind> {
    const host = prng.pick([
      "evil.example",
      "169.254.169.254",
      "127.0.0.1:1",
      "localhost:6379",
      "[::1]:22",
      "shop.example.evil.example",
    ]);
    const provider = prng.pick(["qq", "wechat", "weibo"]);
    const target = `/oauth/${provider}/login?next=/`;
    return {
      method: "GET",
      target,
      headers: [],
      raw: rawRequest("GET", target, [], new Uint8Array(), host),
      judge: ({ status, body }) => {
        const location = body.match(/^location: (.+)$/im)?.[1]?.trim();
        if (status !== 302 || !location) return `answered ${status}`;
        const url = new URL(location);
        const redirect = url.searchParams.get("redirect_uri") ?? "";
        return url.origin === setup.origin &&
            redirect.startsWith(`${setup.origin}/`)
          ? null
          : `sent the browser to ${location}`;
      },
    };
  }

  // ---- cross-site, methods, the SMS endpoint and the simulator ----

  function crossOrigin(): ReturnType<BadKind> {
    const target = prng.pick(POST_ROUTES);
    const { mobile, code } = prng.pick(setup.reserved);
    // A complete, valid bind: only the cross-site check stands between it and a new account.
    const body = encoder.encode(encodeFields([
      ["mobile", mobile],
      ["password", "secret123"],
      ["sms_code", code],
      ["allow", "on"],
      ["access_token", prng.pick(setup.tokens)],
      ["username", mobile],
    ]));
    const headers = prng.pick(CROSS_SITE_HEADERS).map(([name, value]): [
      string,
      string,
    ] => [name, value]);
    headers.push(["content-type", "application/x-www-form-urlencoded"]);
    return {
      method: prng.pick(["POST", "POST", "PUT", "DELETE", "PATCH"]),
      target,
      headers,
      body,
      judge: status(403),
    };
  }

  /** A Host that is not a plain host and port: refused before any route, with the security headers all the same. */
  function badHost(): ReturnType<BadKind> {
    const host = prng.pick([
      "127.0.0.1:99999",
      "[::1",
      "exa mple",
      "%zz",
      "a:b:c",
      "[fe80::1%]",
      // Deno puts the Host before the target in req.url: a path, query or user part in it would move
      // the request elsewhere than its target says.
      "127.0.0.1:1/login?",
      "x/account",
      "x?a=1",
      "x#",
      "x\\account?",
      "user@127.0.0.1",
    ]);
    const method = prng.pick(["GET", "HEAD", "POST"]);
    const target = prng.pick([...GET_ROUTES, ...POST_ROUTES]);
    const headers: [string, string][] = [];
    return {
      method,
      target,
      headers,
      raw: rawRequest(method, target, headers, new Uint8Array(), host),
      judge: ({ status, body }) =>
        status === 400 && /content-security-policy:/i.test(body)
          ? null
          : `answered ${status} ${
            /content-security-policy:/i.test(body) ? "" : "without a CSP"
          }`,
    };
  }

  function oddMethod(): ReturnType<BadKind> {
    const method = prng.pick([
      "PUT",
      "DELETE",
      "PATCH",
      "OPTIONS",
      "HEAD",
      "constructor",
      "__proto__",
      "toString",
    ]);
    return {
      method,
      target: prng.pick([...GET_ROUTES, ...POST_ROUTES]),
      headers: [],
      judge: below500,
    };
  }

  function smsEndpoint(): ReturnType<BadKind> {
    const forwarded = prng.pick([
      `203.0.113.${prng.int(256)}`,
      "",
      "unknown",
      "1.1.1.1, 2.2.2.2",
      "x".repeat(100),
      "::1",
    ]);
    const headers: [string, string][] = [["x-forwarded-for", forwarded]];
    if (prng.chance(0.2)) {
      const mobile = `${FUZZ_SMS_MOBILE}${
        String(prng.int(1e8)).padStart(8, "0")
      }`;
      if (prng.chance(0.5)) {
        return {
          method: "POST",
          target: `/sms_codes/${mobile}`,
          headers,
          judge: smsAnswer,
        };
      }
      // Image code answers and purposes no page sends: never a 500, never an SMS they didn't earn.
      const odd = () =>
        prng.pick([
          "",
          "%",
          "0f8fad5b-d9cb-469f-a165-70867728950e",
          "../../etc",
          "x".repeat(2000),
          "用户",
          "\u0000",
          "__proto__",
          "signup",
          "reset_password",
        ]);
      const fields: [string, string][] = [
        ["image_code", odd()],
        ["uuid", odd()],
        [
          "purpose",
          prng.pick(["", "signup", "delete_account", "constructor", odd()]),
        ],
      ];
      const inQuery = prng.chance(0.5);
      return {
        method: "POST",
        target: `/sms_codes/${mobile}${
          inQuery ? `?${encodeFields(fields)}` : ""
        }`,
        headers: inQuery
          ? headers
          : [...headers, ["content-type", "application/x-www-form-urlencoded"]],
        body: inQuery ? undefined : latin1(encodeFields(fields)),
        judge: smsAnswer,
      };
    }
    const garbage = prng.pick([...BAD_MOBILES, "", "%", "..", "a/b"]);
    return {
      method: "POST",
      target: `/sms_codes/${encodeURIComponent(garbage)}`,
      headers,
      judge: garbage === "" || garbage === ".." ? below500 : jsonError(400),
    };
  }

  function qqSimulator(): ReturnType<BadKind> {
    const hex = () =>
      Array.from(prng.bytes(16), (b) => b.toString(16).padStart(2, "0")).join(
        "",
      )
        .toUpperCase();
    const query = prng.pick([
      `grant_type=authorization_code&client_id=101000001&client_secret=x&code=${hex()}&redirect_uri=x`,
      `grant_type=authorization_code&client_id=101000001&client_secret=qq-simulator-development-app-key&code=${hex()}&redirect_uri=${
        encodeURIComponent(`${setup.origin}/oauth_callback`)
      }`,
      `access_token=${hex()}&fmt=json`,
      `access_token=${"A".repeat(5000)}`,
      `response_type=code&client_id=101000001&redirect_uri=https://evil.example/cb`,
      `response_type=token`,
      "",
    ]);
    const path = prng.pick([
      "/dev/qq/oauth2.0/token",
      "/dev/qq/oauth2.0/me",
      "/dev/qq/user/get_user_info",
      "/dev/qq/oauth2.0/authorize",
    ]);
    const post = path.endsWith("authorize") && prng.chance(0.5);
    return {
      method: post ? "POST" : "GET",
      target: `${path}?${query}`,
      headers: post
        ? [["content-type", "application/x-www-form-urlencoded"]]
        : [],
      body: post
        ? encoder.encode(`nickname=${"x".repeat(prng.int(40))}&openid=zz`)
        : undefined,
      judge: post ? status(400) : below500,
    };
  }

  /** WeChat answers its refusals with 200 and {"errcode","errmsg"}; its QR-code page with a page. */
  function wechatSimulator(): ReturnType<BadKind> {
    const id = () => btoa(String.fromCharCode(...prng.bytes(18)));
    const [path, query] = prng.pick<[string, string]>([
      [
        "/dev/wechat/sns/oauth2/access_token",
        `appid=wx5e1d6c7b8a9f0e1d&secret=x&code=${id()}&grant_type=authorization_code`,
      ],
      [
        "/dev/wechat/sns/oauth2/access_token",
        `appid=wx5e1d6c7b8a9f0e1d&secret=wechat-simulator-development-secret&code=${
          encodeURIComponent(id())
        }&grant_type=authorization_code`,
      ],
      ["/dev/wechat/sns/oauth2/access_token", ""],
      ["/dev/wechat/sns/userinfo", `access_token=${id()}&openid=${id()}`],
      ["/dev/wechat/sns/userinfo", `access_token=${"A".repeat(5000)}`],
    ]);
    return {
      method: "GET",
      target: `${path}?${query}`,
      headers: [],
      judge: async (answer) => {
        const wrong = status(200)(answer);
        if (wrong) return wrong;
        const errcode = await Promise.resolve(answer.body).then((body) =>
          JSON.parse(body).errcode
        ).catch(() => undefined);
        return typeof errcode === "number" && errcode !== 0
          ? null
          : `answered ${answer.body.slice(0, 80)}, not WeChat's refusal`;
      },
    };
  }

  /** Weibo refuses with 400 and {"error","error_code","error_description"}. */
  function weiboSimulator(): ReturnType<BadKind> {
    const [path, form] = prng.pick<[string, string]>([
      [
        "/dev/weibo/oauth2/access_token",
        "client_id=3710000001&client_secret=weibo-simulator-development-secret&grant_type=authorization_code&code=" +
        Array.from(prng.bytes(16), (b) => b.toString(16).padStart(2, "0"))
          .join("") +
        "&redirect_uri=x",
      ],
      [
        "/dev/weibo/oauth2/access_token",
        "client_id=3710000001&client_secret=x",
      ],
      ["/dev/weibo/oauth2/access_token", ""],
      [
        "/dev/weibo/oauth2/get_token_info",
        `access_token=2.00${"x".repeat(24)}`,
      ],
      [
        "/dev/weibo/oauth2/get_token_info",
        `access_token=${"%".repeat(prng.int(9))}`,
      ],
    ]);
    return {
      method: "POST",
      target: path,
      headers: [["content-type", "application/x-www-form-urlencoded"]],
      body: encoder.encode(form),
      judge: (answer) => {
        if (answer.status !== 400) return `answered ${answer.status}`;
        try {
          const { error, error_code } = JSON.parse(answer.body);
          return typeof error === "string" && typeof error_code === "number"
            ? null
            : `answered ${answer.body.slice(0, 80)}`;
        } catch {
          return `answered ${answer.body.slice(0, 80)}, not JSON`;
        }
      },
    };
  }
}

function rawRequest(
  method: string,
  target: string,
  headers: [string, string][],
  body: Uint8Array,
  host = "127.0.0.1",
): Uint8Array<ArrayBuffer> {
  // Characters past U+00FF go out as UTF-8, as a careless client sends them; the rest as single bytes.
  const bytesOf = (text: string) =>
    Array.from(
      text,
      (c) =>
        c.charCodeAt(0) > 0xff ? String.fromCharCode(...encoder.encode(c)) : c,
    ).join("");
  const head = [
    `${method} ${target} HTTP/1.1`,
    `host: ${host}`,
    "connection: close",
    `content-length: ${body.length}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ].join("\r\n");
  const start = latin1(bytesOf(head));
  const bytes = new Uint8Array(start.length + body.length);
  bytes.set(start);
  bytes.set(body, start.length);
  return bytes;
}
