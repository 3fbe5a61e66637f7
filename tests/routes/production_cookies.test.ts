// In production every cookie the login sets carries the __Host- prefix (Secure, Path=/, no Domain), so a
// sibling subdomain can't plant a state, a pending bind or a session. QQ is faked at its own address.
import { equal, match, ok } from "node:assert/strict";
import { PRODUCTION_ENV, testApp } from "@/tests/_app.ts";
import { bindTokenIn, testBrowser } from "./_browser.ts";

const OPENID = "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D";

/** graph.qq.com as production reaches it: one code, one token, one user. */
function fakeQq(): typeof fetch {
  return (input) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const answers: Record<string, unknown> = {
      "/oauth2.0/token": { access_token: "TOKEN", expires_in: 7776000 },
      "/oauth2.0/me": {
        client_id: PRODUCTION_ENV.QQ_CLIENT_ID,
        openid: OPENID,
      },
      "/user/get_user_info": { ret: 0, nickname: "小明" },
    };
    ok(url.origin === "https://graph.qq.com", `only QQ is called: ${url}`);
    return Promise.resolve(Response.json(answers[url.pathname] ?? {}));
  };
}

Deno.test("in production the state, pending bind and session cookies are __Host- cookies", async () => {
  const app = await testApp({ ...PRODUCTION_ENV });
  const browser = await testBrowser(app);
  app.fetch = fakeQq();
  const hostOnly = (cookie: string) => {
    match(cookie, /^__Host-/);
    match(cookie, /; Secure/);
    match(cookie, /; Path=\//);
    ok(!/Domain=/i.test(cookie), cookie);
  };

  const start = await browser.get("/oauth/qq/login?next=/orders", {
    "x-forwarded-proto": "https",
  });
  const [stateCookie] = start.headers.getSetCookie();
  hostOnly(stateCookie);
  const authorize = new URL(start.headers.get("location")!);
  equal(
    authorize.searchParams.get("redirect_uri"),
    "https://shop.example/oauth_callback",
  );

  const state = authorize.searchParams.get("state")!;
  const callback = await browser.get(
    `/oauth_callback?code=CODE&state=${state}`,
  );
  equal(callback.status, 303);
  for (const cookie of callback.headers.getSetCookie()) hostOnly(cookie);
  ok(
    callback.headers.getSetCookie().some((c) =>
      c.startsWith("__Host-bind_qq=")
    ),
  );

  const page = await browser.get("/oauth_callback");
  equal(page.status, 200);
  const token = bindTokenIn(await page.text());
  const sms_code = await browser.smsCode(app, "13800138000");
  const bound = await browser.post("/oauth_callback", {
    mobile: "13800138000",
    password: "secret123",
    sms_code,
    allow: "on",
    access_token: token,
  });
  equal(bound.status, 303);
  const session = bound.headers.getSetCookie().find((c) =>
    c.startsWith("__Host-session=")
  );
  ok(session, "the session cookie is __Host-session");
  hostOnly(session);
  match(await (await browser.get("/account")).text(), /已绑定（小明）/);

  // A session cookie without the prefix, as a sibling subdomain could plant, logs nobody in.
  const sessionId = session.split(";")[0].split("=")[1];
  const planted = await browser.get("/account", {
    cookie: `session=${sessionId}`,
  });
  equal(planted.status, 303);
  app.close();
});
