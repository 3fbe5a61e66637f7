import { equal, match, ok } from "node:assert/strict";
import { type TestApp, testApp } from "@/tests/_app.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const PASSWORD = "secret123";
const DAY = 24 * 3600_000;

const sessionCookieOf = (response: Response) =>
  response.headers.getSetCookie().find((c) => c.startsWith("session="));

async function register(app: TestApp, browser: TestBrowser, mobile: string) {
  const sms_code = await browser.smsCode(app, mobile);
  return await browser.post("/register", {
    mobile,
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
}

Deno.test("the session cookie lives 14 days after a registration, a bind and a QQ login", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);

  await t.step("a registration", async () => {
    const response = await register(app, browser, "13800138000");
    equal(response.status, 303);
    match(sessionCookieOf(response)!, /; Max-Age=1209600/);
  });

  await t.step("a bind, then a QQ login with the bound QQ", async () => {
    const qq = await anotherBrowser();
    const token = bindTokenIn(await (await qq.qqLogin(XIAOMING)).text());
    const sms_code = await qq.smsCode(app, "13900139000");
    const bound = await qq.post("/oauth_callback", {
      mobile: "13900139000",
      password: PASSWORD,
      sms_code,
      allow: "on",
      access_token: token,
    });
    equal(bound.status, 303);
    match(sessionCookieOf(bound)!, /; Max-Age=1209600/);
    const again = await anotherBrowser();
    const login = await again.qqLogin(XIAOMING);
    equal(login.status, 303);
    match(sessionCookieOf(login)!, /; Max-Age=1209600/);
  });

  app.close();
});

Deno.test("a password login keeps the session past the browser only with 记住登录", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await register(app, browser, "13800138000");

  await t.step(
    "without the box: a cookie that ends with the browser",
    async () => {
      const plain = await anotherBrowser();
      const response = await plain.post("/login", {
        username: "13800138000",
        password: PASSWORD,
      });
      equal(response.status, 303);
      const cookie = sessionCookieOf(response)!;
      ok(!/Max-Age/i.test(cookie), cookie);
      match(cookie, /HttpOnly/);
    },
  );

  await t.step("with remembered=on: 14 days", async () => {
    const remembered = await anotherBrowser();
    const response = await remembered.post("/login", {
      username: "13800138000",
      password: PASSWORD,
      remembered: "on",
    });
    match(sessionCookieOf(response)!, /; Max-Age=1209600/);
  });

  await t.step("the login form has the box", async () => {
    const page = await (await anotherBrowser()).get("/login");
    match(await page.text(), /name="remembered" value="on"/);
  });

  await t.step(
    "the server keeps either at most 14 days from the last use",
    async () => {
      const plain = await anotherBrowser();
      await plain.post("/login", {
        username: "13800138000",
        password: PASSWORD,
      });
      app.clock.now += 14 * DAY;
      const after = await plain.get("/account");
      equal(after.status, 303, "logged out after 14 idle days");
      equal((await browser.get("/account")).status, 303);
    },
  );

  app.close();
});

Deno.test("a session is renewed at most once a day, and a remembered cookie sent again then", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  await register(app, browser, "13800138000");
  const plain = await anotherBrowser();
  await plain.post("/login", { username: "13800138000", password: PASSWORD });

  await t.step("within the day: no write, no cookie", async () => {
    app.clock.now += 3600_000;
    const response = await browser.get("/account");
    equal(response.status, 200);
    equal(sessionCookieOf(response), undefined);
  });

  await t.step("a day on: the same session id, 14 days again", async () => {
    const id = browser.cookies.get("session");
    app.clock.now += DAY;
    const response = await browser.get("/");
    const cookie = sessionCookieOf(response);
    ok(cookie, "the cookie is sent again");
    match(cookie, new RegExp(`^session=${id};`));
    match(cookie, /; Max-Age=1209600/);
    match(cookie, /HttpOnly/);
    equal(sessionCookieOf(await browser.get("/")), undefined, "once");
  });

  await t.step(
    "a browser session is renewed on the server but its cookie is not resent",
    async () => {
      const response = await plain.get("/account");
      equal(response.status, 200);
      equal(sessionCookieOf(response), undefined);
    },
  );

  await t.step("13 days after the renewal it is still live", async () => {
    app.clock.now += 13 * DAY;
    equal((await browser.get("/account")).status, 200);
    equal((await plain.get("/account")).status, 200);
  });

  app.close();
});
