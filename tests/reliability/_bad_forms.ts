// Bad form posts to the bind, register and login forms: missing, repeated, malformed and overlong fields,
// bodies in the wrong encoding or content type. Each is judged by the contract's bind table.
import type { BadKind, Gen } from "./_bad_requests.ts";
import { judgeForm } from "./_judges.ts";

export const MAX_BODY = 64 * 1024;
/** Each provider's callback takes the same bind, so each gets the same bad forms. */
export const BIND_ROUTES = [
  "/oauth_callback",
  "/oauth/wechat/callback",
  "/oauth/weibo/callback",
] as const;
export const FORM_ROUTES = [...BIND_ROUTES, "/register", "/login"] as const;
type FormRoute = typeof FORM_ROUTES[number];
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
export const BAD_MOBILES = [
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
// No code is ever sent to these: a right-looking bind stops at the code.
const FUZZ_MOBILE = "150";
const encoder = new TextEncoder();

export function formKinds({ prng, setup }: Gen): Record<string, BadKind> {
  const reserved = setup.reserved.map(({ mobile }) => mobile);
  return {
    missing_fields: () => formPost(missingFields()),
    repeated_fields: () => formPost(repeatedFields()),
    bad_values: () => formPost(badValues()),
    overlong_values: () => formPost(overlongValues()),
    invalid_utf8: invalidUtf8,
    binary_body: binaryBody,
    wrong_content_type: wrongContentType,
  };

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
      ["allow", "on"],
    ];
    if ((BIND_ROUTES as readonly string[]).includes(route)) {
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

  function formPost([route, fields]: [FormRoute, Fields]): ReturnType<BadKind> {
    const body = encoder.encode(encodeFields(fields));
    return formRequest(route, body, "application/x-www-form-urlencoded");
  }

  /** A POST of `body` to a form route, judged by what the contract says of that body. */
  function formRequest(
    route: FormRoute,
    body: Uint8Array<ArrayBuffer>,
    type: string | undefined,
  ): ReturnType<BadKind> {
    return {
      method: "POST",
      target: route,
      headers: type ? [["content-type", type]] : [],
      body,
      judge: judgeForm(route, body, type, reserved),
    };
  }

  function invalidUtf8(): ReturnType<BadKind> {
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
    return formRequest(route, body, type);
  }

  function binaryBody(): ReturnType<BadKind> {
    const route = prng.pick(FORM_ROUTES);
    const body = prng.bytes(prng.int(4096));
    const type = prng.pick(CONTENT_TYPES);
    return formRequest(route, body, type);
  }

  /** Well-formed fields in a body the server reads some other way, or multipart as browsers send it. */
  function wrongContentType(): ReturnType<BadKind> {
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
    return formRequest(route, encoder.encode(text), type);
  }
}

export function encodeFields(fields: [string, string][]): string {
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
export function latin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
