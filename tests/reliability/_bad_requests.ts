// Bad requests, generated from a seed: each is one way a client, a scanner or an attacker gets it wrong,
// with the answer the contract promises for it. The shapes depend only on the seed; the live values
// (bind tokens, codes, port) are the running server's.
import { messages } from "../../lib/messages.ts";
import { pageMessages } from "./_client.ts";

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
  /** Genuine bind tokens: only ever sent tampered, or cross-site, or with a mobile that has no code. */
  tokens: string[];
  /** Tokens made by the test: another key, expired, no openid, unsigned. */
  forgedTokens: string[];
  /** Mobiles with a live code: only ever posted with that right code and a bad token, so it stays live. */
  reserved: { mobile: string; code: string }[];
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
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
  /** Why the answer breaks the contract, or null when it keeps it. */
  judge(answer: Answer): string | null | Promise<string | null>;
}

const MAX_BODY = 64 * 1024;
const FORM_ROUTES = ["/oauth_callback", "/register", "/login"] as const;
type FormRoute = typeof FORM_ROUTES[number];
const POST_ROUTES = [
  ...FORM_ROUTES,
  "/logout",
  "/account/qq/unbind",
  "/sms_codes/13800138000",
  "/dev/qq/oauth2.0/authorize?response_type=code&client_id=101000001",
];
const GET_ROUTES = [
  "/",
  "/login",
  "/register",
  "/account",
  "/oauth/qq/login",
  "/oauth_callback",
  "/dev/qq/oauth2.0/authorize",
  "/dev/qq/oauth2.0/token",
  "/dev/qq/oauth2.0/me",
  "/dev/qq/user/get_user_info",
  "/dev/qq/avatar/9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D",
  "/styles.css",
  "/nowhere",
];
const CONTENT_TYPES = [
  undefined,
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=gbk",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=XyZ",
  "application/json",
  "text/plain",
  "application/octet-stream",
  "image/png",
  "a/b; c=d",
];
const BAD_MOBILES = [
  "1",
  "12800138000",
  "138001380001",
  "+8613800138000",
  "１３８００１３８０００",
  "١٣٨٠٠١٣٨٠٠٠",
  "1380013800a",
  " 13800138000",
  "13800138000\n",
  "13800138000\u0000",
  "0x33E6F8B0",
  "1e10",
  "-13800138000",
  "13800138000' OR '1'='1",
  "<script>alert(1)</script>",
];
const BAD_PASSWORDS = [
  "short",
  "a".repeat(21),
  "pass word1",
  "密码密码密码密码",
  "password!",
  "\u0000password1",
  "passwörd12",
  "password1\n",
  "𝒑𝒂𝒔𝒔𝒘𝒐𝒓𝒅",
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
  "dev",
  "qq",
  "oauth_callback",
  "_frsh",
  "static",
];
const CROSS_SITE_HEADERS: [string, string][][] = [
  [["origin", "https://evil.example"]],
  [["origin", "null"]],
  [["sec-fetch-site", "cross-site"]],
  [["sec-fetch-site", "same-site"]],
  [["origin", "https://evil.example"], ["sec-fetch-site", "cross-site"]],
  [["origin", "http://localhost"]],
];

const encoder = new TextEncoder();
const FUZZ_MOBILE = "150"; // no code is ever sent to these: a right-looking bind stops at the code
const FUZZ_SMS_MOBILE = "159"; // codes are sent to these, never guessed at with a valid bind

export function generate(prng: Prng, setup: Setup, count: number) {
  const kinds = {
    missing_fields: () => formPost(missingFields()),
    repeated_fields: () => formPost(repeatedFields()),
    bad_values: () => formPost(badValues()),
    overlong_values: () => formPost(overlongValues()),
    invalid_utf8: invalidUtf8,
    binary_body: binaryBody,
    wrong_content_type: wrongContentType,
    huge_body: hugeBody,
    odd_path: oddPath,
    odd_query: oddQuery,
    forged_cookie: forgedCookie,
    forged_state: forgedState,
    forged_bind_token: forgedBindToken,
    cross_origin: crossOrigin,
    odd_method: oddMethod,
    sms_endpoint: smsEndpoint,
    qq_simulator: qqSimulator,
  };
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  return Array.from({ length: count }, (_, i): BadRequest => {
    const kind = names[i % names.length];
    return { ...kinds[kind](), kind };
  });

  // ---- form posts and what the contract answers them ----

  type Fields = [string, string][];

  function fuzzMobile() {
    return `${FUZZ_MOBILE}${String(prng.int(1e8)).padStart(8, "0")}`;
  }

  function template(route: FormRoute): Fields {
    if (route === "/login") {
      return [["username", prng.chance(0.5) ? fuzzMobile() : "someone"], [
        "password",
        "secret123",
      ]];
    }
    const fields: Fields = [
      ["mobile", fuzzMobile()],
      ["password", "secret123"],
      ["sms_code", String(prng.int(1e6)).padStart(6, "0")],
    ];
    if (route === "/oauth_callback") {
      fields.push(["access_token", prng.pick(setup.tokens)]);
    }
    return fields;
  }

  function missingFields(): [FormRoute, Fields] {
    const route = prng.pick(FORM_ROUTES);
    let fields = template(route);
    const drops = 1 + prng.int(fields.length);
    for (let i = 0; i < drops; i++) {
      const at = prng.int(fields.length);
      if (prng.chance(0.5)) fields = fields.filter((_, j) => j !== at);
      else fields[at] = [fields[at][0], prng.pick(["", " "])];
    }
    return [route, fields];
  }

  function repeatedFields(): [FormRoute, Fields] {
    const route = prng.pick(FORM_ROUTES);
    const fields = template(route);
    const repeats: Fields = fields.map(([name]) => [name, badValue(name)]);
    // The first of a repeated field is the one read: sometimes the bad one comes first.
    return [
      route,
      prng.chance(0.5) ? [...fields, ...repeats] : [
        ...repeats,
        ...fields,
      ],
    ];
  }

  function badValues(): [FormRoute, Fields] {
    const route = prng.pick(FORM_ROUTES);
    const fields = template(route);
    const at = prng.int(fields.length);
    fields[at] = [fields[at][0], badValue(fields[at][0])];
    return [route, fields];
  }

  function overlongValues(): [FormRoute, Fields] {
    const route = prng.pick(FORM_ROUTES);
    const fields = template(route);
    const at = prng.int(fields.length);
    const length = 200 + prng.int(MAX_BODY - 1000);
    fields[at] = [
      fields[at][0],
      prng.pick(["1", "a", "用", "%"]).repeat(length),
    ];
    if (encodeFields(fields).length > MAX_BODY) {
      fields[at] = [fields[at][0], "9".repeat(length / 4)];
    }
    return [route, fields];
  }

  function badValue(name: string): string {
    if (name === "mobile" || name === "username") return prng.pick(BAD_MOBILES);
    if (name === "password") return prng.pick(BAD_PASSWORDS);
    if (name === "access_token") {
      return prng.pick(["", "null", "x".repeat(5000)]);
    }
    return prng.pick([
      "",
      "12345",
      "1234567",
      "abcdef",
      "１２３４５６",
      "000000",
    ]);
  }

  function formPost([route, fields]: [FormRoute, Fields]): Omit<
    BadRequest,
    "kind"
  > {
    const body = encoder.encode(encodeFields(fields));
    return {
      method: "POST",
      target: route,
      headers: [["content-type", "application/x-www-form-urlencoded"]],
      body,
      judge: judgeForm(route, body, "application/x-www-form-urlencoded"),
    };
  }

  function invalidUtf8(): Omit<BadRequest, "kind"> {
    const route = prng.pick(FORM_ROUTES);
    const parts = template(route).map(([name, value]) => {
      const bad = prng.pick([
        [0xff],
        [0xc0, 0xae],
        [0xed, 0xa0, 0x80],
        [0xe4, 0xbd],
        [0x80],
      ]);
      const raw = prng.chance(0.5)
        ? bad.map((byte) => `%${byte.toString(16).toUpperCase()}`).join("")
        : String.fromCharCode(...bad);
      return `${name}=${prng.chance(0.5) ? raw + value : value + raw}`;
    });
    const body = latin1(parts.join("&"));
    const type = prng.pick([undefined, "application/x-www-form-urlencoded"]);
    return {
      method: "POST",
      target: route,
      headers: type ? [["content-type", type]] : [],
      body,
      judge: judgeForm(route, body, type),
    };
  }

  function binaryBody(): Omit<BadRequest, "kind"> {
    const route = prng.pick(FORM_ROUTES);
    const body = prng.bytes(prng.int(4096));
    const type = prng.pick(CONTENT_TYPES);
    return {
      method: "POST",
      target: route,
      headers: type ? [["content-type", type]] : [],
      body,
      judge: judgeForm(route, body, type),
    };
  }

  /** Well-formed fields in a body the server reads some other way, or multipart as browsers send it. */
  function wrongContentType(): Omit<BadRequest, "kind"> {
    const route = prng.pick(FORM_ROUTES);
    const fields = template(route);
    // Chrome's and Safari's boundaries are mixed case; the contract accepts multipart posts.
    const boundary = prng.pick([
      "----WebKitFormBoundary7MA4YWxkTrZu0gW",
      "----geckoformboundary3f6d1e",
      "abc",
    ]);
    const [type, text] = prng.pick([
      ["application/json", JSON.stringify(Object.fromEntries(fields))],
      ["text/plain", fields.map(([k, v]) => `${k}=${v}`).join("\r\n")],
      ["application/xml", "<form><mobile>13800138000</mobile></form>"],
      [
        `multipart/form-data; boundary=${boundary}`,
        multipart(fields, boundary),
      ],
      [`multipart/form-data; boundary=${boundary}`, multipart(fields, "other")],
      [
        `multipart/form-data; boundary="${boundary}"`,
        multipart(fields, boundary),
      ],
    ]);
    const body = encoder.encode(text);
    return {
      method: "POST",
      target: route,
      headers: [["content-type", type]],
      body,
      judge: judgeForm(route, body, type),
    };
  }

  function hugeBody(): Omit<BadRequest, "kind"> {
    const chunked = prng.chance(0.3);
    const target = chunked ? prng.pick(FORM_ROUTES) : prng.pick([
      ...POST_ROUTES,
      "/nowhere",
    ]);
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

  function oddPath(): Omit<BadRequest, "kind"> {
    const segments = Array.from(
      { length: 1 + prng.int(6) },
      () => prng.pick(ODD_SEGMENTS),
    );
    let path = "/" + segments.join("/");
    if (prng.chance(0.1)) path += "/" + "a".repeat(2000 + prng.int(6000));
    if (prng.chance(0.3)) path += "?" + oddQueryString();
    const method = prng.pick(["GET", "HEAD", "POST"]);
    return {
      method,
      target: path,
      headers: [],
      raw: rawRequest(method, path, [], new Uint8Array()),
      judge: below500,
    };
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
      "javascript:alert(1)",
      "/ok\r\nset-cookie:x=1",
      "用户",
      "x".repeat(3000),
      "&&&===",
    ]);
    return `${name}=${value}&${name}=${prng.pick(["", "/"])}`;
  }

  function oddQuery(): Omit<BadRequest, "kind"> {
    const route = prng.pick(GET_ROUTES);
    const target = `${route}?${oddQueryString()}`;
    const judge = route === "/oauth_callback"
      ? status(400) // no state cookie: the contract's "not this browser's"
      : route === "/oauth/qq/login"
      ? redirectsTo(`${setup.origin}/dev/qq/oauth2.0/authorize?`, 302)
      : below500;
    return { method: "GET", target, headers: [], judge };
  }

  function forgedCookie(): Omit<BadRequest, "kind"> {
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
      ["POST", "/logout", redirectsTo("/", 303)],
    ]);
    return { method, target, headers: [["cookie", cookie]], judge };
  }

  function forgedState(): Omit<BadRequest, "kind"> {
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
        `qq_oauth_state=${encodeURIComponent(cookieState)}`,
      ]],
      judge: status(400),
    };
  }

  function forgedBindToken(): Omit<BadRequest, "kind"> {
    const { mobile, code } = prng.pick(setup.reserved);
    const access_token = prng.chance(0.3)
      ? prng.pick(setup.forgedTokens)
      : tamper(prng.pick(setup.tokens));
    const body = encoder.encode(encodeFields([
      ["mobile", mobile],
      ["password", "secret123"],
      ["sms_code", code],
      ["access_token", access_token],
    ]));
    return {
      method: "POST",
      target: "/oauth_callback",
      headers: [["content-type", "application/x-www-form-urlencoded"]],
      body,
      judge: refusedWith(messages.bindTokenInvalid),
    };
  }

  /** Changes the token's bytes, not just its spelling: base64url has spellings that decode alike. */
  function tamper(token: string): string {
    const parts = token.split(".");
    const how = prng.int(5);
    if (how === 0) return token.slice(0, prng.int(token.length));
    if (how === 1) return parts.slice(0, 4).join(".");
    if (how === 2) {
      return [parts[0], parts[1], parts[3], parts[2], parts[4]].join(".");
    }
    const at = 1 + prng.int(4);
    if (!parts[at]) return token + "x";
    const bytes = Uint8Array.from(
      atob(parts[at].replace(/-/g, "+").replace(/_/g, "/")),
      (c) => c.charCodeAt(0),
    );
    bytes[prng.int(bytes.length)] ^= 1 + prng.int(255);
    parts[at] = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
      .replace(/\//g, "_").replace(/=+$/, "");
    return parts.join(".");
  }

  // ---- cross-site, methods, the SMS endpoint and the simulator ----

  function crossOrigin(): Omit<BadRequest, "kind"> {
    const target = prng.pick(POST_ROUTES);
    const { mobile, code } = prng.pick(setup.reserved);
    // A complete, valid bind: only the cross-site check stands between it and a new account.
    const body = encoder.encode(encodeFields([
      ["mobile", mobile],
      ["password", "secret123"],
      ["sms_code", code],
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

  function oddMethod(): Omit<BadRequest, "kind"> {
    const method = prng.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
    return {
      method,
      target: prng.pick([...GET_ROUTES, ...POST_ROUTES]),
      headers: [],
      judge: below500,
    };
  }

  function smsEndpoint(): Omit<BadRequest, "kind"> {
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
      return {
        method: "POST",
        target: `/sms_codes/${mobile}`,
        headers,
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

  function qqSimulator(): Omit<BadRequest, "kind"> {
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

  // ---- judges ----

  function judgeForm(
    route: FormRoute,
    body: Uint8Array<ArrayBuffer>,
    type: string | undefined,
  ): Judge {
    return async (answer) => {
      const fields = await readLikeTheContract(body, type);
      if (!fields) {
        // An unreadable multipart body: 400 with the plain message.
        return answer.status === 400 && answer.body === messages.badRequest
          ? null
          : `answered ${answer.status}, expected 400 ${messages.badRequest}`;
      }
      if (route === "/login") return loginRefused(answer);
      return refusedWith(accountFormMessage(fields, route))(answer);
    };
  }

  /** The contract's bind table, in its order, for fields that never include a reserved mobile. */
  function accountFormMessage(
    fields: Record<string, string>,
    route: FormRoute,
  ): string {
    const { mobile, password, sms_code } = fields;
    if (!mobile || !password || !sms_code) return messages.missingFields;
    if (!/^1[3-9]\d{9}$/.test(mobile)) return messages.invalidMobile;
    if (!/^[0-9A-Za-z]{8,20}$/.test(password)) return messages.invalidPassword;
    if (setup.reserved.some((r) => r.mobile === mobile)) {
      throw new Error(
        `the generator posted reserved mobile ${mobile} to ${route}`,
      );
    }
    return messages.smsCodeInvalid;
  }
}

type Judge = BadRequest["judge"];

/** The page's messages, or the start of a body that has none. */
function describeBody(body: string): string {
  const found = Object.values(pageMessages(body));
  return found.length
    ? JSON.stringify(found)
    : JSON.stringify(body.slice(0, 40));
}

const below500: Judge = ({ status }) =>
  status < 500 ? null : `answered ${status}`;

const status = (expected: number): Judge => ({ status }) =>
  status === expected ? null : `answered ${status}, expected ${expected}`;

const refusedWith = (message: string): Judge => ({ status, body }) => {
  const shown = Object.values(pageMessages(body));
  if (status === 400 && shown.includes(message)) return null;
  return `answered ${status} showing ${
    describeBody(body)
  }, expected 400 "${message}"`;
};

const loginRefused: Judge = ({ status, body }) => {
  const shown = Object.values(pageMessages(body));
  if (status === 400 && shown.includes(messages.wrongCredentials)) return null;
  if (status === 429 && shown.includes(messages.tooManyAttempts)) return null;
  return `answered ${status} showing ${describeBody(body)}`;
};

const redirectsTo = (location: string, expected: number): Judge => (answer) =>
  answer.status === expected &&
    answer.headers.get("location")?.startsWith(location)
    ? null
    : `answered ${answer.status} to ${answer.headers.get("location")}`;

/** The page never takes who is logged in from the display-only username cookie. */
const notLoggedIn: Judge = ({ status, body }) =>
  status === 200 && body.includes("您尚未登录")
    ? null
    : `answered ${status}, not the logged-out home page`;

const jsonError = (expected: number): Judge => ({ status, body }) =>
  status === expected && body === JSON.stringify({
        ok: false,
        error: messages.invalidMobile,
      })
    ? null
    : `answered ${status} ${body.slice(0, 80)}`;

const smsAnswer: Judge = ({ status, body }) =>
  (status === 200 && body === '{"ok":true}') ||
    (status === 429 && body.includes(messages.smsTooFrequent))
    ? null
    : `answered ${status} ${body.slice(0, 80)}`;

/** The fields as the contract reads a form: the first of each; null when a multipart body is unreadable. */
async function readLikeTheContract(
  body: Uint8Array<ArrayBuffer>,
  type: string | undefined,
): Promise<Record<string, string> | null> {
  let entries: Iterable<[string, FormDataEntryValue]>;
  if (type?.toLowerCase().startsWith("multipart/form-data")) {
    try {
      entries = await new Request("http://contract.invalid/", {
        method: "POST",
        headers: { "content-type": type },
        body,
      }).formData();
    } catch {
      return null;
    }
  } else {
    entries = new URLSearchParams(new TextDecoder().decode(body));
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value === "string" && !(name in fields)) fields[name] = value;
  }
  return fields;
}

function encodeFields(fields: [string, string][]): string {
  return fields.map(([name, value]) =>
    `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
  ).join("&");
}

function multipart(fields: [string, string][], boundary: string): string {
  return fields.map(([name, value]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  ).join("") + `--${boundary}--\r\n`;
}

/** Each character as one byte, so a test can put any byte where it likes. */
function latin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function rawRequest(
  method: string,
  target: string,
  headers: [string, string][],
  body: Uint8Array,
): Uint8Array<ArrayBuffer> {
  // The target goes out as UTF-8 where it has non-ASCII characters, as a careless client sends it.
  const head = [
    `${method} ${target} HTTP/1.1`,
    "host: 127.0.0.1",
    "connection: close",
    `content-length: ${body.length}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ].join("\r\n");
  const start = encoder.encode(head);
  const bytes = new Uint8Array(start.length + body.length);
  bytes.set(start);
  bytes.set(body, start.length);
  return bytes;
}
