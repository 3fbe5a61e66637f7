import { equal, match, ok } from "node:assert/strict";
import { imageCodeKey } from "@/lib/captcha/image_codes.ts";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";
import { bindTokenIn, type TestBrowser, testBrowser } from "./_browser.ts";

const PASSWORD = "secret123";
const MOBILE = "13800138000";

async function withAccount(): Promise<TestApp> {
  const app = await testApp();
  const hash = await app.passwords.hash(PASSWORD);
  await createUserIn(app.kv.atomic(), newUser(MOBILE, hash, app.now()))
    .commit();
  return app;
}

/** Loads the form's image code as the browser does and reads its text as the person does. */
async function solve(app: TestApp, browser: TestBrowser, html: string) {
  const uuid = html.match(/name="uuid" value="([^"]+)"/)?.[1];
  ok(uuid, "the form shows an image code");
  const log = console.log;
  console.log = () => {};
  try {
    const image = await browser.get(`/image_codes/${uuid}`);
    match(await image.text(), /<svg/);
  } finally {
    console.log = log;
  }
  const { value } = await app.kv.get<{ text: string }>(imageCodeKey(uuid));
  return { uuid, image_code: value!.text };
}

Deno.test("the login form past the limit asks for an image code, and lets the owner in with it", async (t) => {
  const app = await withAccount();
  const browser = await testBrowser(app);
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
    const wrong = await browser.post("/login", {
      username: MOBILE,
      password: `guess${i}`,
    }, { "x-forwarded-for": `10.0.0.${i}` });
    equal(wrong.status, 400);
    ok(!(await wrong.text()).includes('name="image_code"'));
  }

  let page = "";
  await t.step(
    "the right password alone: 400, with the image and a way to reset",
    async () => {
      const response = await browser.post("/login", {
        username: MOBILE,
        password: PASSWORD,
      });
      equal(response.status, 400);
      page = await response.text();
      match(page, new RegExp(messages.tooManyAttempts));
      match(page, /<img src="\/image_codes\/[0-9a-f-]{36}"/);
      match(page, /name="image_code"/);
      match(page, /href="\/password\/reset"/);
      equal(browser.cookies.has("session"), false);
    },
  );

  await t.step(
    "a wrong image code: 400 with its message, and a new image",
    async () => {
      const { uuid } = await solve(app, browser, page);
      const response = await browser.post("/login", {
        username: MOBILE,
        password: PASSWORD,
        uuid,
        image_code: "0000",
      });
      equal(response.status, 400);
      page = await response.text();
      match(page, new RegExp(messages.imageCodeWrong));
      ok(!page.includes(uuid), "a used image code is not shown again");
    },
  );

  await t.step(
    "the solved image code and the right password: logged in",
    async () => {
      const response = await browser.post("/login", {
        username: MOBILE,
        password: PASSWORD,
        ...await solve(app, browser, page),
      });
      equal(response.status, 303);
      ok(browser.cookies.has("session"));
    },
  );

  app.close();
});

Deno.test("the bind form past the limit asks for an image code, and binds the owner with it", async (t) => {
  const app = await withAccount();
  const browser = await testBrowser(app);
  const token = bindTokenIn(await (await browser.qqLogin()).text());
  const sms_code = await browser.smsCode(app, MOBILE);
  const bind = (fields: Record<string, string>) =>
    browser.post("/oauth_callback", {
      mobile: MOBILE,
      sms_code,
      allow: "on",
      access_token: token,
      ...fields,
    });
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
    const wrong = await bind({ password: `guess${i}pass` });
    equal(wrong.status, 400);
    match(await wrong.text(), new RegExp(messages.wrongCredentials));
  }

  let page = "";
  await t.step(
    "the right password alone: 400 with the image code",
    async () => {
      const response = await bind({ password: PASSWORD });
      equal(response.status, 400);
      page = await response.text();
      match(page, new RegExp(messages.tooManyAttempts));
      match(page, /<img src="\/image_codes\/[0-9a-f-]{36}"/);
    },
  );

  await t.step("with it solved: bound and logged in", async () => {
    const response = await bind({
      password: PASSWORD,
      ...await solve(app, browser, page),
    });
    equal(response.status, 303);
    ok(browser.cookies.has("session"));
  });

  app.close();
});
