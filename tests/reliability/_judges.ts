// What the contract answers a bad request. A judge says why an answer breaks it, or null when it keeps it.
import { messages } from "@/lib/messages.ts";
import { pageMessages } from "./_client.ts";

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export type Judge = (answer: Answer) => string | null | Promise<string | null>;

/** A form post to `route` (bind, register or login), judged by the fields the server will read from it. */
export function judgeForm(
  route: string,
  body: Uint8Array<ArrayBuffer>,
  type: string | undefined,
  reserved: string[],
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
    return refusedWith(accountFormMessage(fields, route, reserved))(answer);
  };
}

/** The contract's bind table, in its order, for fields that never include a reserved mobile. */
function accountFormMessage(
  fields: Record<string, string>,
  route: string,
  reserved: string[],
): string {
  const { mobile, password, sms_code } = fields;
  if (!mobile || !password || !sms_code) return messages.missingFields;
  if (!/^1[3-9]\d{9}$/.test(mobile)) return messages.invalidMobile;
  // 0.3's rule: 8–20 printable ASCII characters without spaces.
  if (!/^[\x21-\x7E]{8,20}$/.test(password)) return messages.invalidPassword;
  if (fields.allow !== "on") return messages.allowRequired;
  if (reserved.includes(mobile)) {
    throw new Error(
      `the generator posted reserved mobile ${mobile} to ${route}`,
    );
  }
  return messages.smsCodeInvalid;
}

/** The page's messages, or the start of a body that has none. */
function describeBody(body: string): string {
  const found = Object.values(pageMessages(body));
  return found.length
    ? JSON.stringify(found)
    : JSON.stringify(body.slice(0, 40));
}

export const below500: Judge = ({ status }) =>
  status < 500 ? null : `answered ${status}`;

export const status = (expected: number): Judge => ({ status }) =>
  status === expected ? null : `answered ${status}, expected ${expected}`;

export const refusedWith = (message: string): Judge => ({ status, body }) => {
  const shown = Object.values(pageMessages(body));
  if (status === 400 && shown.includes(message)) return null;
  return `answered ${status} showing ${
    describeBody(body)
  }, expected 400 "${message}"`;
};

const loginRefused: Judge = ({ status, body }) => {
  const shown = Object.values(pageMessages(body));
  if (status === 400 && shown.includes(messages.wrongCredentials)) return null;
  if (status === 400 && shown.includes(messages.tooManyAttempts)) return null;
  return `answered ${status} showing ${describeBody(body)}`;
};

export const redirectsTo =
  (location: string, expected: number): Judge => (answer) =>
    answer.status === expected &&
      answer.headers.get("location")?.startsWith(location)
      ? null
      : `answered ${answer.status} to ${answer.headers.get("location")}`;

/** The page never takes who is logged in from the display-only username cookie. */
export const notLoggedIn: Judge = ({ status, body }) =>
  status === 200 && body.includes("您尚未登录")
    ? null
    : `answered ${status}, not the logged-out home page`;

export const jsonError = (expected: number): Judge => ({ status, body }) =>
  status === expected && body === JSON.stringify({
        ok: false,
        error: messages.invalidMobile,
      })
    ? null
    : `answered ${status} ${body.slice(0, 80)}`;

/** An SMS request's answers: sent, too frequent, an image code asked for, or a purpose no page sends. */
export const smsAnswer: Judge = ({ status, body }) =>
  (status === 200 && body === '{"ok":true}') ||
    (status === 429 && body.includes(messages.smsTooFrequent)) ||
    (status === 400 && [
      messages.imageCodeMissing,
      messages.imageCodeExpired,
      messages.imageCodeWrong,
    ].some((error) =>
      body === JSON.stringify({ ok: false, error, captcha: true })
    )) ||
    (status === 400 &&
      body === JSON.stringify({ ok: false, error: messages.badRequest }))
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
