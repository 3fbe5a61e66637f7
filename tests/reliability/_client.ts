// What a browser and a phone do against the real server: QQ login through the simulator up to the bind
// form, asking for an SMS code, posting the bind; and a small pool to keep N requests in flight.
import type { AppServer } from "@/tests/_app_server.ts";
import type { TestIdentity } from "@/tests/_identities.ts";

export const PASSWORD = "secret123";

/** A bind or form post's answer: status, and the message shown on the page (field → text). */
export interface FormAnswer {
  status: number;
  location: string | null;
  messages: Record<string, string>;
  /** Why a QQ login failed, shown beside `QQ登录失败`. */
  reason: string | null;
  cookies: string[];
  /** The uuid of the image code the form asks for, if it does. */
  imageCodeUuid: string | null;
}

/** 32 uppercase hex digits, as QQ's openids are. */
export function newOpenid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
    .toUpperCase();
}

/** A valid mainland mobile: `prefix` (3 digits, 13x-19x) then `n` on 8 digits. */
export function mobile(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(8, "0")}`;
}

let clients = 0;
/** A client address never used before in this process, sent as X-Forwarded-For (TRUST_PROXY is on). */
export function newClientAddress(): string {
  clients++;
  return `198.18.${clients >> 8}.${clients & 255}`;
}

/**
 * The cookie of the browser each bind token was issued to. A bind token only works from its browser, so
 * `bind` and `postForm` send a token with its browser's cookie unless told otherwise.
 */
const browserOf = new Map<string, string>();
/** The browser cookie each image code was drawn with: its answer goes with it, as a browser's would. */
const imageBrowser = new Map<string, string>();

/** Loads the image code of `uuid` as a browser does (keeping the browser cookie it is tied to). */
export async function drawImage(
  server: AppServer,
  uuid: string,
  headers: HeadersInit = {},
): Promise<Response> {
  const image = await fetch(`${server.origin}/image_codes/${uuid}`, {
    headers,
  });
  const cookie = image.headers.getSetCookie()[0]?.split(";")[0];
  if (cookie) imageBrowser.set(uuid, cookie);
  await image.body?.cancel();
  return image;
}

/** The cookies a browser would send with `fields`: its bind token's and its image code's. */
function cookiesFor(fields: Record<string, string>): string {
  return [
    fields.access_token && browserOf.get(fields.access_token),
    fields.uuid && imageBrowser.get(fields.uuid),
  ].filter(Boolean).join("; ");
}

/** The cookie header of the browser `token` was issued to ("" for a token never issued). */
export function browserCookieOf(token: string): string {
  return browserOf.get(token) ?? "";
}

/** QQ login as a new browser up to the bind page; returns the bind token its form carries. */
export function bindToken(
  server: AppServer,
  openid: string,
  nickname = "压测",
): Promise<string> {
  return providerBindToken(server, {
    provider: "qq",
    form: { openid, nickname },
    uid: openid,
    nickname,
  });
}

/** A login with `identity`'s provider as a new browser, through its simulator, up to the bind page. */
export async function providerBindToken(
  server: AppServer,
  identity: TestIdentity,
): Promise<string> {
  const { provider } = identity;
  const start = await fetch(
    `${server.origin}/oauth/${provider}/login?next=/`,
    { redirect: "manual" },
  );
  await start.body?.cancel();
  const state = start.headers.getSetCookie().join(";").match(
    /(oauth_state_[\w-]+=[^;]+)/,
  )?.[1];
  const authorize = start.headers.get("location");
  if (start.status !== 302 || !state || !authorize) {
    throw new Error(`${provider} login start answered ${start.status}`);
  }
  const granted = await fetch(authorize, {
    method: "POST",
    body: new URLSearchParams(identity.form),
    redirect: "manual",
  });
  await granted.body?.cancel();
  const callback = granted.headers.get("location");
  if (granted.status !== 302 || !callback) {
    throw new Error(`the ${provider} simulator answered ${granted.status}`);
  }
  const back = await fetch(callback, {
    headers: { cookie: state },
    redirect: "manual",
  });
  await back.body?.cancel();
  const pending = back.headers.getSetCookie().join(";").match(
    new RegExp(`(bind_${provider}=[^;]+)`),
  )?.[1];
  if (back.status !== 303 || !pending) {
    throw new Error(
      `the ${provider} callback answered ${back.status}, no pending bind`,
    );
  }
  // Post-redirect-get: the bind page shows the form of this browser's pending bind.
  const form = await fetch(new URL(back.headers.get("location")!, callback), {
    headers: { cookie: pending },
    redirect: "manual",
  });
  const html = await form.text();
  const token = html.match(/name="access_token" value="([^"]+)"/)?.[1];
  if (form.status !== 200 || !token) {
    throw new Error(`the bind page answered ${form.status}, no bind form`);
  }
  browserOf.set(token, pending);
  return token;
}

type SmsAnswer = {
  status: number;
  body: { ok: boolean; error?: string; captcha?: boolean };
};

/**
 * Asks for a code for `mobile` from `clientAddress`, solving the image code when the server asks for one
 * as a person would (a new image, read off the server's log); the last answer.
 */
export async function requestSmsCode(
  server: AppServer,
  mobileNumber: string,
  clientAddress: string,
  fields: Record<string, string> = {},
): Promise<SmsAnswer> {
  const first = await askForSms(server, mobileNumber, clientAddress, fields);
  if (!first.body.captcha) return first;
  const uuid = crypto.randomUUID();
  await drawImage(server, uuid, { "x-forwarded-for": clientAddress });
  return await askForSms(server, mobileNumber, clientAddress, {
    ...fields,
    image_code: await server.imageCode(uuid),
    uuid,
  });
}

/** One POST /sms_codes/<mobile>: the raw answer. */
export async function askForSms(
  server: AppServer,
  mobileNumber: string,
  clientAddress: string,
  fields: Record<string, string> = {},
): Promise<SmsAnswer> {
  const response = await fetch(`${server.origin}/sms_codes/${mobileNumber}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: {
      "x-forwarded-for": clientAddress,
      ...cookiesFor(fields) && { cookie: cookiesFor(fields) },
    },
  });
  return { status: response.status, body: await response.json() };
}

/** Sends a code to `mobile` from a fresh client address and reads it off the server's log. */
export async function smsCode(
  server: AppServer,
  mobileNumber: string,
): Promise<string> {
  const before = server.codesSentTo(mobileNumber);
  const sent = await requestSmsCode(server, mobileNumber, newClientAddress());
  if (sent.status !== 200) {
    throw new Error(
      `SMS to ${mobileNumber}: ${sent.status} ${sent.body.error}`,
    );
  }
  return await server.smsCode(mobileNumber, before + 1);
}

/** POSTs a form the way the page would and reads the answer's messages. */
export async function postForm(
  server: AppServer,
  path: string,
  fields: Record<string, string>,
  headers: HeadersInit = {},
): Promise<FormAnswer> {
  const sent = new Headers(headers);
  const cookie = cookiesFor(fields);
  if (cookie && !sent.has("cookie")) sent.set("cookie", cookie);
  const response = await fetch(`${server.origin}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: sent,
    redirect: "manual",
  });
  const html = await response.text();
  return {
    status: response.status,
    location: response.headers.get("location"),
    messages: pageMessages(html),
    reason: html.match(/<span class="reason">（([^<]*)）<\/span>/)?.[1] ?? null,
    cookies: response.headers.getSetCookie(),
    imageCodeUuid: html.match(/name="uuid" value="([^"]+)"/)?.[1] ?? null,
  };
}

export interface BindFields {
  mobile: string;
  password: string;
  sms_code: string;
  access_token: string;
}

/** The bind form's POST, its consent box ticked. */
export function bind(
  server: AppServer,
  fields: BindFields,
  clientAddress = "127.0.0.1",
): Promise<FormAnswer> {
  return postForm(server, "/oauth_callback", { ...fields, allow: "on" }, {
    "x-forwarded-for": clientAddress,
  });
}

/** The messages a re-rendered form shows, by the field they belong to. */
export function pageMessages(html: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (
    const [, field, text] of html.matchAll(
      /<p class="error" data-field="(\w+)" role="alert">([^<]*)/g,
    )
  ) found[field] = text;
  return found;
}

/** The one message of a refused form, or "" when it shows none. */
export function onlyMessage(answer: FormAnswer): string {
  return Object.values(answer.messages).join(" | ");
}

/** Runs `work` over `items` with at most `limit` in flight; results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    },
  );
  await Promise.all(lanes);
  return results;
}

/** How many times each value occurs, for reporting a race's outcomes. */
export function tally(values: readonly (string | number)[]) {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/**
 * Sends `request` byte for byte over a new connection and reads the status line of the answer. The
 * request asks the server to close once it has answered; `timeoutMs` only ends an exchange with a
 * server that never does, far above what an answer takes on the busiest machine (and above the
 * server's own 10 s wait for a body).
 */
export async function rawExchange(
  origin: string,
  request: Uint8Array,
  timeoutMs = 60_000,
): Promise<{ status: number; head: string }> {
  const { hostname, port } = new URL(origin);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  const received: Uint8Array[] = [];
  try {
    // The server may answer and close before reading everything (a 413, a 431): read what it said.
    await writeAll(conn, request).catch(() => {});
    const buffer = new Uint8Array(16 * 1024);
    let total = 0;
    while (total < 1024 * 1024) {
      const read = await conn.read(buffer).catch(() => null);
      if (read === null) break;
      received.push(buffer.slice(0, read));
      total += read;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Closed by the timeout.
    }
  }
  const head = new TextDecoder().decode(concat(received)).split("\r\n\r\n")[0];
  const status = Number(head.match(/^HTTP\/1\.[01] (\d{3})/)?.[1] ?? 0);
  return { status, head };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  let written = 0;
  while (written < bytes.length) {
    written += await conn.write(bytes.subarray(written));
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
