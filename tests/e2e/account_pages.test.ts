// 小王 forgets her password and resets it by SMS, then finds a device she does not know on the sessions
// page and logs it out, in Chromium against the real server.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  BROWSER_WAIT_MS,
  imageCodeUuid,
  launchChromium,
  MODES,
  openPage,
  PHONE,
  screenshotForDocs,
  untilHydrated,
  VIEWPORT,
  watchForTrouble,
} from "./_browser.ts";
import { AppServer, tempKv } from "@/tests/_app_server.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { consentedIn } from "@/tests/_app.ts";
import { maskMobile } from "@/lib/core/mask.ts";

const MOBILE = "13600136000";
const PASSWORD = "xiaowang2024";
const NEW_PASSWORD = "xiaowang2025";
const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

/** 小王's account, made before the server starts (no SMS to her mobile yet this hour). */
async function seedAccount(path: string, mobiles = [MOBILE]) {
  const kv = await Deno.openKv(path);
  const hasher = createPasswordHasher(4, 0);
  for (const mobile of mobiles) {
    const user = newUser(mobile, await hasher.hash(PASSWORD), Date.now());
    const op = consentedIn(createUserIn(kv.atomic(), user), user.id);
    assert.ok((await op.commit()).ok);
  }
  kv.close();
}

/** Logs in from her phone (a client outside the browser); the phone's session cookie. */
async function logInFromPhone(app: AppServer, password: string) {
  const response = await fetch(`${app.origin}/login`, {
    method: "POST",
    headers: { "user-agent": PHONE_UA },
    body: new URLSearchParams({ username: MOBILE, password, remembered: "on" }),
    redirect: "manual",
  });
  await response.body?.cancel();
  assert.equal(response.status, 303);
  return response.headers.getSetCookie().find((c) => c.startsWith("session="))!
    .split(";")[0];
}

/** Clicks 获取短信验证码, solving the image code first when the form asks for one. */
async function askForCode(app: AppServer, page: Page) {
  const form = page.locator("form.account-form");
  await form.getByRole("button", { name: "获取短信验证码" }).click();
  const asked = form.locator('p.error[data-field="image_code"]', {
    hasText: "请输入图形验证码",
  });
  const sent = page.getByText("短信验证码已发送");
  await Promise.race([asked.waitFor(), sent.waitFor()]);
  if (await sent.isVisible()) return;
  const image = form.locator('img[alt="图形验证码"]');
  await image.waitFor();
  const uuid = await imageCodeUuid(image);
  await form.locator("input[name=image_code]").fill(await app.imageCode(uuid));
  await form.getByRole("button", { name: "获取短信验证码" }).click();
  await sent.waitFor();
}

async function pageStatus(app: AppServer, cookie: string, path: string) {
  const response = await fetch(`${app.origin}${path}`, {
    headers: { cookie },
    redirect: "manual",
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("小王 resets her password by SMS and logs an unknown device out", async (t) => {
  await using kvFile = await tempKv();
  await seedAccount(kvFile.path);
  await using app = await AppServer.start(kvFile.path);
  const phone = await logInFromPhone(app, PASSWORD);
  await using browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const trouble = watchForTrouble(page);

  await t.step(
    "from the login form, 忘记密码？ leads to the reset",
    async () => {
      await page.goto(`${app.origin}/login`);
      await page.getByRole("link", { name: "忘记密码？" }).click();
      await page.waitForURL(`${app.origin}/password/reset`);
      await untilHydrated(page);
    },
  );

  await t.step(
    "a code to her mobile and a new password log her in",
    async () => {
      const form = page.locator("form.account-form");
      await form.locator("input[name=mobile]").fill(MOBILE);
      await askForCode(app, page);
      await form.locator("input[name=sms_code]").fill(
        await app.readSms(MOBILE),
      );
      await form.locator("input[name=password]").fill(NEW_PASSWORD);
      await form.getByRole("button", { name: "重置密码" }).click();
      await page.waitForURL(`${app.origin}/account`);
      assert.equal(
        await page.locator('[data-field="username"]').textContent(),
        maskMobile(MOBILE),
      );
    },
  );

  await t.step(
    "the reset ended the phone's session, and the old password",
    async () => {
      assert.equal(await pageStatus(app, phone, "/account"), 303);
      const old = await fetch(`${app.origin}/login`, {
        method: "POST",
        body: new URLSearchParams({ username: MOBILE, password: PASSWORD }),
        redirect: "manual",
      });
      await old.body?.cancel();
      assert.equal(old.status, 400);
    },
  );

  let stranger = "";
  await t.step(
    "the sessions page shows this browser and a device she does not know",
    async () => {
      const login = await fetch(`${app.origin}/login`, {
        method: "POST",
        headers: { "user-agent": PHONE_UA },
        body: new URLSearchParams({ username: MOBILE, password: NEW_PASSWORD }),
        redirect: "manual",
      });
      await login.body?.cancel();
      stranger = login.headers.getSetCookie()[0].split(";")[0];
      await page.getByRole("link", { name: "登录设备" }).click();
      await page.waitForURL(`${app.origin}/account/sessions`);
      const sessions = page.locator("ul.sessions > li");
      assert.equal(await sessions.count(), 2);
      const mine = page.locator("li.current");
      assert.match(await mine.textContent() ?? "", /本设备/);
      assert.match(
        await mine.locator('[data-field="device"]').textContent() ?? "",
        /^Chrome · /,
      );
      const theirs = page.locator("li:not(.current)");
      assert.equal(
        await theirs.locator('[data-field="device"]').textContent(),
        "Safari · iPhone",
      );
      assert.equal(
        await theirs.locator('[data-field="address"]').textContent(),
        "127.0.0.*",
      );
    },
  );

  await t.step(
    "退出该设备 logs that device out at its next request",
    async () => {
      await page.getByRole("button", { name: "退出该设备" }).click();
      await page.waitForURL(`${app.origin}/account/sessions`);
      assert.equal(await page.locator("ul.sessions > li").count(), 1);
      assert.equal(await pageStatus(app, stranger, "/account"), 303);
      assert.equal(await pageStatus(app, stranger, "/account/sessions"), 303);
    },
  );

  assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
  assert.deepEqual(app.stderr, []);
});

Deno.test("with JavaScript off, 小王's reset form counts the SMS gap down in the server's words", async (t) => {
  const modes = MODES.filter((mode) => !mode.javaScript);
  // A mobile of hers per mode: each starts outside the 60 s gap.
  const mobiles = modes.map((_, i) => `1360013600${i + 1}`);
  await using kvFile = await tempKv();
  await seedAccount(kvFile.path, mobiles);
  await using app = await AppServer.start(kvFile.path);
  await using browser = await launchChromium();
  for (const [i, mode] of modes.entries()) {
    const mobile = mobiles[i];
    const { context, page, trouble } = await openPage(browser, mode);
    // Each mode is another person, on an address of their own (the server trusts X-Forwarded-For): this
    // story is the countdown, and the image code a second code in the hour asks for is image_code's.
    await context.setExtraHTTPHeaders({
      "x-forwarded-for": `198.51.100.${20 + i}`,
    });
    const form = page.locator("form.account-form");
    const smsButton = form.locator("button.sms-button");
    const errorOf = (name: string, hasText?: string) =>
      form.locator(`p.error[data-field="${name}"]`, { hasText });

    await t.step(
      `${mode.name}: 获取短信验证码 posts the form; the button then says how long is left`,
      async () => {
        await page.goto(`${app.origin}/password/reset`);
        await form.locator("input[name=mobile]").fill(mobile);
        await smsButton.click();
        const sent = page.getByText("短信验证码已发送");
        const asked = errorOf("image_code", "请输入图形验证码");
        await Promise.race([sent.waitFor(), asked.waitFor()]);
        if (await asked.isVisible()) {
          // Not this client's first code this hour: the server asks for an image code first.
          const image = form.locator('img[alt="图形验证码"]');
          const uuid = await imageCodeUuid(image);
          await form.locator("input[name=image_code]").fill(
            await app.imageCode(uuid),
          );
          await smsButton.click();
          await sent.waitFor();
        }
        assert.match(
          await smsButton.textContent() ?? "",
          /^\d+秒后可重新获取$/,
        );
        assert.equal(
          await form.locator("input[name=mobile]").inputValue(),
          mobile,
        );
      },
    );

    await t.step(
      `${mode.name}: asked again too soon, the form says 发送短信过于频繁 and how long to wait`,
      async () => {
        await smsButton.click();
        await errorOf("sms_code", "发送短信过于频繁").waitFor();
        await form.locator(".help", { hasText: /^请\d+秒后再获取/ }).waitFor();
        assert.match(
          await smsButton.textContent() ?? "",
          /^\d+秒后可重新获取$/,
        );
        if (mode.viewport === PHONE) {
          await screenshotForDocs(page, "password-reset-wait-phone.png");
        }
      },
    );

    await t.step(
      `${mode.name}: a short new password is refused, and the code stays for the next try`,
      async () => {
        const code = await app.readSms(mobile);
        await form.locator("input[name=sms_code]").fill(code);
        await form.locator("input[name=password]").fill("short");
        await form.getByRole("button", { name: "重置密码" }).click();
        await errorOf("password").waitFor();
        assert.equal(
          await form.locator("input[name=sms_code]").inputValue(),
          code,
        );
        assert.equal(
          await form.locator("input[name=password]").inputValue(),
          "",
        );
        assert.match(
          await smsButton.textContent() ?? "",
          /^\d+秒后可重新获取$/,
        );
      },
    );
    assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
    await context.close();
  }
  assert.deepEqual(app.stderr, []);
});
