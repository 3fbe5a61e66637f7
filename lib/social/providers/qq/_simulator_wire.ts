// How the QQ simulator answers on the wire: QQ's three body shapes, its refusals and an avatar image.

/** urlencoded: the token default; jsonp: `/me` and the OAuth refusals; json: with fmt=json and get_user_info. */
export type QqFormat = "urlencoded" | "json" | "jsonp";

type Fields = Record<string, string | number>;

// QQ's own English descriptions travel with its codes; the client shows its Chinese ones instead.
const descriptions: Record<number, string> = {
  [-1]: "client request's parameters are invalid",
  100000: "response type is wrong or lost",
  100001: "client id is lost",
  100002: "client secret is lost",
  100004: "grant type is wrong or lost",
  100005: "code is lost",
  100007: "access token is lost",
  100008: "client id is not exist",
  100009: "client secret is illegal",
  100010: "redirect uri is illegal",
  100013: "access token is illegal",
  100014: "access token is expired",
  100016: "access token check failed",
  100019: "code to access token error",
  100020: "code is reused error",
};

/** QQ refusing a request, with its code and description. */
export class QqRefusal extends Error {
  override name = "QqRefusal";

  constructor(readonly code: number, detail?: string) {
    super([descriptions[code], detail].filter(Boolean).join(", "));
  }
}

/** A 200 answer in `format`; QQ answers its refusals with 200 too. */
export function qqAnswer(fields: Fields, format: QqFormat): Response {
  // Never text/html: a nickname is the user's own text and must not run in a browser.
  if (format === "json") return Response.json(fields);
  const body = format === "jsonp"
    ? `callback( ${JSON.stringify(fields)} );\n`
    : new URLSearchParams(
      Object.entries(fields).map(([name, value]) => [name, String(value)]),
    ).toString();
  return new Response(body, {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** The OAuth endpoints' refusal fields (`error`, `error_description`). */
export function oauthRefusal(refusal: QqRefusal): Fields {
  return { error: refusal.code, error_description: refusal.message };
}

/** The OpenAPI endpoints' refusal fields (`ret`, `msg`). */
export function openApiRefusal(refusal: QqRefusal): Fields {
  return { ret: refusal.code, msg: refusal.message };
}

/** A 100×100 avatar: the nickname's first character on a colour of the openid's. */
export function avatarSvg(openid: string, nickname: string): string {
  const hue = parseInt(openid.slice(0, 4), 16) % 360 || 0;
  const initial = escapeXml(Array.from(nickname)[0] ?? "?");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" fill="hsl(${hue}, 55%, 50%)"/>` +
    `<text x="50" y="50" dy="0.35em" text-anchor="middle" font-size="48" fill="#fff">${initial}</text>` +
    `</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
