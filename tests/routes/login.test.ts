import { equal, match, ok } from "node:assert/strict";
import { imageCodeKey } from "@/lib/captcha/image_codes.ts";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import {
  consentedIn,
  countReads,
  type TestApp,
  testApp,
} from "@/tests/_app.ts";
import { bindTokenIn, type TestBrowser, testBrowser } from "./_browser.ts";

const PASSWORD = "secret123";
const MOBILE = "13800138000";

async function withAccount(): Promise<TestApp> {
  const app = await testApp();
  const hash = await app.passwords.hash(PASSWORD);
  const user = newUser(MOBILE, hash, app.now());
  await consentedIn(createUserIn(app.kv.atomic(), user), user.id).commit();
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
    equal(image.headers.get("content-type"), "image/png");
    await image.body?.cancel();
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

Deno.test("after 10 wrong passwords the owner is told at their next login, on the next page, once", async (t) => {
  const app = await withAccount();
  const guesser = await testBrowser(app);
  const guess = async (i: number) => {
    const response = await guesser.post("/login", {
      username: MOBILE,
      password: `guess${i}`,
    });
    equal(response.status, 400);
    await response.body?.cancel();
  };
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) await guess(i);
  app.clock.now += 15 * 60 * 1000 + 1;
  for (let i = 10; i < 12; i++) await guess(i);

  const owner = await testBrowser(app);
  await t.step("the login goes to the home page, which tells", async () => {
    const login = await owner.post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    equal(login.status, 303);
    const home = await (await owner.get("/")).text();
    match(home, /上次登录后有 12 次失败的登录尝试/);
  });

  await t.step("it is told once", async () => {
    const again = await (await owner.get("/")).text();
    ok(!again.includes("次失败的登录尝试"));
  });

  await t.step(
    "the count starts again: a few failures later, nothing is told",
    async () => {
      for (let i = 20; i < 23; i++) await guess(i);
      const login = await owner.post("/login", {
        username: MOBILE,
        password: PASSWORD,
      });
      equal(login.status, 303);
      const account = await (await owner.get("/account")).text();
      ok(!account.includes("次失败的登录尝试"));
    },
  );
  app.close();
});

Deno.test("only the browser whose login made a notice looks for one: other pages read nothing for it", async (t) => {
  const app = await withAccount();
  const reads = countReads(app.kv);
  const owner = await testBrowser(app);
  const logIn = async (browser: TestBrowser) => {
    const login = await browser.post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    equal(login.status, 303);
    return login;
  };

  await t.step(
    "a login with no wrong passwords before it marks nothing",
    async () => {
      const login = await logIn(owner);
      ok(
        !login.headers.getSetCookie().some((c) =>
          c.startsWith("login_notice=")
        ),
      );
      for (const path of ["/", "/account", "/", "/account"]) {
        const page = await owner.get(path);
        equal(page.status, 200, path);
        ok(!(await page.text()).includes("次失败的登录尝试"));
      }
      equal(reads("login_notices"), 0);
    },
  );

  await t.step(
    "after 10 wrong ones, that login's browser is marked, told once, and unmarked",
    async () => {
      const guesser = await testBrowser(app);
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        const guess = await guesser.post("/login", {
          username: MOBILE,
          password: `guess${i}`,
        });
        equal(guess.status, 400);
        await guess.body?.cancel();
      }
      app.clock.now += 15 * 60 * 1000 + 1; // past the account's lock
      const login = await logIn(owner);
      ok(
        login.headers.getSetCookie().some((c) =>
          /^login_notice=1; .*Max-Age=604800; HttpOnly/.test(c)
        ),
      );
      const account = await owner.get("/account");
      match(await account.text(), /上次登录后有 10 次失败的登录尝试/);
      ok(
        account.headers.getSetCookie().some((c) =>
          /^login_notice=; .*Max-Age=0/.test(c)
        ),
      );
      equal(reads("login_notices"), 1);
      await (await owner.get("/")).body?.cancel();
      await (await owner.get("/account")).body?.cancel();
      equal(reads("login_notices"), 1, "the browser is no longer marked");
    },
  );
  app.close();
});

Deno.test("past 50 password checks in a day, the login form says to try tomorrow, even with a solved image", async () => {
  const app = await withAccount();
  const browser = await testBrowser(app);
  let page = "";
  for (let checked = 0; checked < 50;) {
    const fields: Record<string, string> = {
      username: MOBILE,
      password: `guess${checked}`,
    };
    // Past the 15-minute limit each guess carries an image solved as a person would.
    if (page.includes('name="uuid"')) {
      Object.assign(fields, await solve(app, browser, page));
    }
    const response = await browser.post("/login", fields);
    equal(response.status, 400);
    page = await response.text();
    if (page.includes(messages.wrongCredentials)) checked++;
    else match(page, new RegExp(messages.tooManyAttempts));
  }
  const response = await browser.post("/login", {
    username: MOBILE,
    password: PASSWORD,
    ...await solve(app, browser, page),
  });
  equal(response.status, 400);
  const refused = await response.text();
  match(refused, new RegExp(messages.tooManyAttemptsToday));
  ok(!refused.includes('name="image_code"'), "no image would help");
  equal(browser.cookies.has("session"), false);
  app.close();
});

Deno.test("one address (a NAT) can't lock out everyone behind it", async (t) => {
  const app = await withAccount();
  const owner = await testBrowser(app);
  const login = () =>
    owner.post("/login", { username: MOBILE, password: PASSWORD });
  const first = await login();
  equal(first.status, 303, "the owner logged in here before");
  await owner.post("/logout");

  await t.step(
    "someone behind the same address fails 100 logins on other accounts and draws images until refused",
    async () => {
      const guesser = await testBrowser(app);
      for (let i = 0; i < 100; i++) {
        const response = await guesser.post("/login", {
          username: `1390000${String(i).padStart(4, "0")}`,
          password: "guess1234",
        }, { cookie: "" });
        await response.body?.cancel();
      }
      let status = 200;
      while (status === 200) {
        const image = await guesser.get(`/image_codes/${crypto.randomUUID()}`);
        await image.body?.cancel();
        status = image.status;
      }
      equal(status, 429);
    },
  );

  await t.step(
    "a stranger behind it is asked for an image, and can draw one",
    async () => {
      const stranger = await testBrowser(app);
      const response = await stranger.post("/login", {
        username: MOBILE,
        password: PASSWORD,
      });
      equal(response.status, 400);
      const page = await response.text();
      match(page, new RegExp(messages.tooManyAttempts));
      const solved = await solve(app, stranger, page);
      const with_image = await stranger.post("/login", {
        username: MOBILE,
        password: PASSWORD,
        ...solved,
      });
      equal(with_image.status, 303);
    },
  );

  await t.step("the owner's browser logs straight in", async () => {
    equal((await login()).status, 303);
  });
  app.close();
});
