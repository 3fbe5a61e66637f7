// The steps a user takes before binding, done over HTTP ahead of the timed part: a QQ login through
// the app's simulator (→ a bind token) and an SMS code for a new mobile.
import type { Server } from "./_server.ts";
import { inParallel } from "./_load.ts";

export const PASSWORD = "bench2024pass";

export interface PreparedBind {
  mobile: string;
  smsCode: string;
  accessToken: string;
  /** The cookie of the browser the bind token was issued to: a bind is posted from it. */
  cookie: string;
}

/** Mobiles handed out so far, by server: each bind needs a mobile no one has used there yet. */
const mobilesUsed = new Map<string, number>();

/** `count` binds ready to POST, each with its own new mobile and QQ openid. */
export async function prepareBinds(
  app: Server,
  count: number,
): Promise<PreparedBind[]> {
  const first = mobilesUsed.get(app.origin) ?? 0;
  mobilesUsed.set(app.origin, first + count);
  const binds: PreparedBind[] = [];
  await inParallel(count, 4, async (i) => {
    const n = first + i;
    const mobile = `139${String(n).padStart(8, "0")}`;
    const [{ accessToken, cookie }, smsCode] = await Promise.all([
      qqBindToken(app.origin),
      requestSmsCode(app, mobile, fakeClientAddress(n)),
    ]);
    binds[i] = { mobile, smsCode, accessToken, cookie };
  });
  return binds;
}

/** The bind form's fields, filled in for `prepared`. */
export function bindForm(prepared: PreparedBind): URLSearchParams {
  return new URLSearchParams({
    mobile: prepared.mobile,
    password: PASSWORD,
    sms_code: prepared.smsCode,
    allow: "on",
    access_token: prepared.accessToken,
  });
}

/** POSTs the bind form; a new mobile is answered 303 with a session. */
export async function bind(origin: string, prepared: PreparedBind) {
  const response = await fetch(origin + "/oauth_callback", {
    method: "POST",
    body: bindForm(prepared),
    headers: { cookie: prepared.cookie },
    redirect: "manual",
  });
  const body = await response.text();
  if (response.status !== 303) {
    throw new Error(
      `bind of ${prepared.mobile} answered ${response.status}: ${
        body.slice(0, 300)
      }`,
    );
  }
}

/** The cookie of a browser logged in as a new member (made by a bind). */
export async function loggedInCookie(app: Server): Promise<string> {
  const [prepared] = await prepareBinds(app, 1);
  const response = await fetch(app.origin + "/oauth_callback", {
    method: "POST",
    body: bindForm(prepared),
    headers: { cookie: prepared.cookie },
    redirect: "manual",
  });
  await response.body?.cancel();
  const session = response.headers.getSetCookie().map((cookie) =>
    cookie.split(";")[0]
  ).find((pair) => /^(__Host-)?session=/.test(pair));
  if (response.status !== 303 || !session) {
    throw new Error(`the bind answered ${response.status} without a session`);
  }
  return session;
}

/** The bind page's HTML after a QQ login as a new openid, and the cookie of the browser it is for. */
export async function bindPage(
  origin: string,
): Promise<{ html: string; cookie: string }> {
  const login = await fetch(`${origin}/oauth/qq/login?next=/`, {
    redirect: "manual",
  });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")?.match(
    /oauth_state_[\w-]+=[^;]+/,
  )?.[0];
  const authorize = login.headers.get("location");
  if (login.status !== 302 || !cookie || !authorize) {
    throw new Error(
      `QQ login answered ${login.status} without state or location`,
    );
  }
  const granted = await fetch(new URL(authorize, origin), {
    method: "POST",
    body: new URLSearchParams({ nickname: "压测用户", openid: randomOpenid() }),
    redirect: "manual",
  });
  await granted.body?.cancel();
  const callback = granted.headers.get("location");
  if (granted.status !== 302 || !callback) {
    throw new Error(`the QQ simulator answered ${granted.status}`);
  }
  const back = await fetch(new URL(callback, origin), {
    headers: { cookie },
    redirect: "manual",
  });
  await back.body?.cancel();
  const pending = back.headers.getSetCookie().join(";").match(
    /bind_qq=[^;]+/,
  )?.[0];
  if (back.status !== 303 || !pending) {
    throw new Error(`the QQ callback answered ${back.status}, no pending bind`);
  }
  // Post-redirect-get: the callback sends the browser on to the bind page.
  const page = await fetch(new URL(back.headers.get("location")!, origin), {
    headers: { cookie: pending },
  });
  const html = await page.text();
  if (page.status !== 200) {
    throw new Error(
      `the bind page answered ${page.status}: ${html.slice(0, 300)}`,
    );
  }
  return { html, cookie: pending };
}

async function qqBindToken(origin: string) {
  const { html, cookie } = await bindPage(origin);
  const token = html.match(/name="access_token" value="([^"]+)"/)?.[1];
  if (!token) throw new Error("the bind page has no access_token");
  return { accessToken: token.replaceAll("&amp;", "&"), cookie };
}

async function requestSmsCode(app: Server, mobile: string, address: string) {
  const response = await fetch(`${app.origin}/sms_codes/${mobile}`, {
    method: "POST",
    headers: { "x-forwarded-for": address },
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`SMS for ${mobile} answered ${response.status}: ${body}`);
  }
  return await app.readSms(mobile);
}

/** A different address every 40 mobiles keeps under the cap of 50 codes a day per client. */
function fakeClientAddress(n: number): string {
  const block = Math.floor(n / 40);
  return `10.${(block >> 8) & 255}.${block & 255}.1`;
}

function randomOpenid(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("").toUpperCase();
}
