// A browser for route tests: the app's real handler, a cookie jar, and QQ's simulator reached in-process.
import manifest from "@/fresh.gen.ts";
import { type AppHandler, appHandler } from "@/lib/http/serve.ts";
import { installApp } from "@/lib/app/app.ts";
import {
  PRESET_IDENTITIES,
  type QqIdentity,
} from "@/lib/social/providers/qq/simulator.ts";
import { readImageCode, type TestApp } from "@/tests/_app.ts";
import type { TestIdentity } from "@/tests/_identities.ts";

export const ORIGIN = "http://localhost:8000";
export const XIAOMING = PRESET_IDENTITIES[0];

type Handler = AppHandler;

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly handler: Handler) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has("cookie")) {
      headers.set(
        "cookie",
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      );
    }
    const response = await this.handler(
      new Request(new URL(path, ORIGIN), { ...init, headers }),
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = [
        pair.slice(0, pair.indexOf("=")),
        pair.slice(pair.indexOf("=") + 1),
      ];
      if (/max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers: HeadersInit = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  post(
    path: string,
    form: Record<string, string> = {},
    headers: HeadersInit = {},
  ): Promise<Response> {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
    });
  }

  /** Starts a QQ login (the state cookie is kept) and returns the state QQ was given. */
  async startQqLogin(next = "/"): Promise<string> {
    const start = await this.get(
      `/oauth/qq/login?next=${encodeURIComponent(next)}`,
    );
    return new URL(start.headers.get("location")!).searchParams.get("state")!;
  }

  /** QQ login as `identity` up to the callback; returns the callback's answer. */
  async qqLogin(
    identity: QqIdentity = XIAOMING,
    next = "/",
  ): Promise<Response> {
    const start = await this.get(
      `/oauth/qq/login?next=${encodeURIComponent(next)}`,
    );
    const authorize = new URL(start.headers.get("location")!);
    const granted = await this.post(authorize.pathname + authorize.search, {
      ...identity,
    });
    const callback = new URL(granted.headers.get("location")!);
    return await this.bindPageAfter(
      await this.get(callback.pathname + callback.search),
    );
  }

  /** The callback's answer, or when it is the 303 to the bind page (post-redirect-get), that page. */
  async bindPageAfter(callback: Response): Promise<Response> {
    const location = callback.headers.get("location");
    if (
      callback.status !== 303 || !location ||
      !(location === "/oauth_callback" ||
        /^\/oauth\/\w+\/callback$/.test(location))
    ) return callback;
    return await this.get(location);
  }

  /** A login with `identity`'s provider, through its simulator up to the callback; the callback's answer. */
  async login(identity: TestIdentity, next = "/"): Promise<Response> {
    const start = await this.get(
      `/oauth/${identity.provider}/login?next=${encodeURIComponent(next)}`,
    );
    if (start.status !== 302) {
      throw new Error(`${identity.provider} login answered ${start.status}`);
    }
    const authorize = new URL(start.headers.get("location")!);
    const granted = await this.post(
      authorize.pathname + authorize.search,
      identity.form,
    );
    if (granted.status !== 302) {
      throw new Error(
        `the ${identity.provider} simulator answered ${granted.status}: ${await granted
          .text()}`,
      );
    }
    const callback = new URL(granted.headers.get("location")!);
    return await this.bindPageAfter(
      await this.get(callback.pathname + callback.search),
    );
  }

  /**
   * POST /sms_codes/<mobile> as the page does: when the answer asks for an image code, loads a new image,
   * reads it as a person would, and asks again with the answer. The last answer, once the phone has the
   * code it sent.
   */
  async sendSms(
    app: TestApp,
    mobile: string,
    fields: Record<string, string> = {},
  ): Promise<Response> {
    const answered = await this.#askForSms(app, mobile, fields);
    // Some purposes are answered before the gateway has the code: the phone has it once that is done.
    await app.background.settled();
    return answered;
  }

  async #askForSms(
    app: TestApp,
    mobile: string,
    fields: Record<string, string>,
  ): Promise<Response> {
    const first = await this.post(`/sms_codes/${mobile}`, fields);
    if (first.status !== 400) return first;
    const answer = await first.json();
    if (!answer.captcha) return Response.json(answer, { status: 400 });
    const uuid = crypto.randomUUID();
    const image = await this.get(`/image_codes/${uuid}`);
    await image.body?.cancel();
    const image_code = await readImageCode(app, uuid);
    return await this.post(`/sms_codes/${mobile}`, {
      ...fields,
      image_code,
      uuid,
    });
  }

  /** Asks for an SMS code for `mobile` and reads it from the test app's outbox. */
  async smsCode(
    app: TestApp,
    mobile: string,
    fields: Record<string, string> = {},
  ): Promise<string> {
    if (app.outbox.has(mobile)) app.clock.now += 61_000;
    const response = await this.sendSms(app, mobile, fields);
    if (response.status !== 200) {
      throw new Error(
        `SMS code for ${mobile}: ${response.status} ${await response.text()}`,
      );
    }
    await response.body?.cancel();
    return app.outbox.get(mobile)!;
  }

  /** Registers `mobile` with `password` through the form, its box ticked: logged in as it after. */
  async register(app: TestApp, mobile: string, password: string) {
    const sms_code = await this.smsCode(app, mobile);
    const response = await this.post("/register", {
      mobile,
      password,
      sms_code,
      allow: "on",
    });
    await response.body?.cancel();
    if (response.status !== 303) {
      throw new Error(`registering ${mobile}: ${response.status}`);
    }
  }
}

/** A fresh browser on `app`, which becomes the process's app. */
export async function testBrowser(app: TestApp): Promise<TestBrowser> {
  installApp(app);
  const handler = await appHandler(manifest);
  app.fetch = (input, init) => handler(new Request(input, init));
  return new TestBrowser(handler);
}

/** Another browser on the same server, with its own cookies. */
export async function anotherBrowser(): Promise<TestBrowser> {
  return new TestBrowser(await appHandler(manifest));
}

/** The bind token the bind form carries. */
export function bindTokenIn(html: string): string {
  const match = html.match(/name="access_token" value="([^"]+)"/);
  if (!match) throw new Error("no bind form on the page");
  return match[1];
}
