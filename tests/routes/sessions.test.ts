import { deepEqual, equal, match, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { anotherBrowser, type TestBrowser, testBrowser } from "./_browser.ts";

const PASSWORD = "secret123";
const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

async function register(app: TestApp, browser: TestBrowser, mobile: string) {
  const sms_code = await browser.smsCode(app, mobile);
  const response = await browser.post("/register", {
    mobile,
    password: PASSWORD,
    sms_code,
    allow: "on",
  }, { "user-agent": CHROME_WINDOWS, "x-forwarded-for": "203.0.113.7" });
  equal(response.status, 303);
}

async function logIn(
  browser: TestBrowser,
  username: string,
  userAgent: string,
) {
  const response = await browser.post("/login", {
    username,
    password: PASSWORD,
  }, { "user-agent": userAgent });
  equal(response.status, 303);
}

/** The public ids on the sessions page, this browser's first when marked. */
function sessionIds(html: string): string[] {
  return [...html.matchAll(/data-session="([^"]+)"/g)].map((m) => m[1]);
}

Deno.test("the sessions page lists where the user is logged in and ends them", async (t) => {
  const app = await testApp({ TRUST_PROXY: "true" });
  const laptop = await testBrowser(app);
  await register(app, laptop, "13800138000");
  const phone = await anotherBrowser();
  await logIn(phone, "13800138000", SAFARI_IPHONE);
  const stranger = await anotherBrowser();
  await register(app, stranger, "13900139000");

  let page = "";
  await t.step(
    "each session shows its device in words, a masked address and this one marked",
    async () => {
      const response = await laptop.get("/account/sessions");
      equal(response.status, 200);
      equal(response.headers.get("cache-control"), "no-store");
      page = await response.text();
      equal(sessionIds(page).length, 2);
      match(page, /Chrome · Windows/);
      match(page, /Safari · iPhone/);
      match(page, /203\.0\.113\.\*/);
      ok(!page.includes("203.0.113.7"), "the address is masked");
      match(page, /class="current"[^]*?本设备/);
      ok(
        !page.includes(laptop.cookies.get("session")!),
        "no cookie value on the page",
      );
    },
  );

  await t.step(
    "revoking another user's session does nothing, 303 all the same",
    async () => {
      const theirs = sessionIds(
        await (await stranger.get("/account/sessions")).text(),
      );
      const response = await laptop.post("/account/sessions/revoke", {
        session: theirs[0],
      });
      equal(response.status, 303);
      equal(response.headers.get("location"), "/account/sessions");
      equal((await stranger.get("/account")).status, 200, "still logged in");
    },
  );

  await t.step(
    "a revoked session is logged out on its next request",
    async () => {
      const phonePage = await (await phone.get("/account/sessions")).text();
      const phoneId = sessionIds(phonePage).find((id) =>
        phonePage.includes(`data-session="${id}" class="current"`)
      )!;
      const response = await laptop.post("/account/sessions/revoke", {
        session: phoneId,
      });
      equal(response.status, 303);
      const next = await phone.get("/account");
      equal(next.status, 303);
      equal(next.headers.get("location"), "/login?next=/account");
      equal(
        sessionIds(await (await laptop.get("/account/sessions")).text()).length,
        1,
      );
    },
  );

  await t.step("others=1 ends every session but this one", async () => {
    const tablet = await anotherBrowser();
    await logIn(tablet, "13800138000", SAFARI_IPHONE);
    const response = await laptop.post("/account/sessions/revoke", {
      others: "1",
    });
    equal(response.status, 303);
    equal((await tablet.get("/account")).status, 303);
    equal((await laptop.get("/account")).status, 200);
  });

  await t.step(
    "logged out, the page and the revoke go to the login form",
    async () => {
      const nobody = await anotherBrowser();
      const page = await nobody.get("/account/sessions");
      equal(page.status, 303);
      equal(page.headers.get("location"), "/login?next=/account/sessions");
      const revoke = await nobody.post("/account/sessions/revoke", {
        others: "1",
      });
      equal(revoke.status, 303);
      equal(revoke.headers.get("location"), "/login?next=/account");
    },
  );

  await t.step("a revoke from another site is refused", async () => {
    const response = await laptop.post("/account/sessions/revoke", {
      others: "1",
    }, {
      origin: "https://evil.example",
    });
    equal(response.status, 403);
    equal(await response.text(), messages.crossOrigin);
  });

  deepEqual(
    sessionIds(await (await laptop.get("/account/sessions")).text()).length,
    1,
  );
  app.close();
});
