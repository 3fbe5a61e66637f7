// The same binding with JavaScript off: every step is a link or a plain form post the server answers.
import assert from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import {
  BROWSER_WAIT_MS,
  launchChromium,
  VIEWPORT,
  watchForTrouble,
} from "./_browser.ts";
import { startApp } from "@/tests/_app_server.ts";

const MOBILE = "13900139000";
const PASSWORD = "xiaohong2024";
const FIFTEEN_DAYS_S = 15 * 24 * 3600;

Deno.test("with JavaScript off, 小红 binds a new mobile through plain form posts", async (t) => {
  await using app = await startApp();
  await using browser = await launchChromium();
  const context = await browser.newContext({
    viewport: VIEWPORT,
    javaScriptEnabled: false,
  });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const trouble = watchForTrouble(page);
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") {
      posts.push(`POST ${new URL(request.url()).pathname}`);
    }
  });

  const bindForm = page.locator("form.account-form");
  const field = (name: string) => bindForm.locator(`input[name=${name}]`);
  const errorOf = (name: string) =>
    bindForm.locator(`p.error[data-field="${name}"]`);

  await t.step(
    "sent to log in on the way to 我的账户, 小红 takes QQ登录, a plain link, and comes back to the bind form",
    async () => {
      await page.goto(app.origin + "/account");
      await page.waitForURL((url) =>
        url.pathname === "/login" && url.searchParams.get("next") === "/account"
      );
      await page.getByRole("link", { name: "QQ登录" }).click();
      await page.getByRole("button", { name: /小红/ }).click();
      await page.waitForURL(app.origin + "/oauth_callback");
      assert.equal(await page.locator("h1").textContent(), "绑定美多商城账号");
      assert.match(await page.locator("p.lead").textContent() ?? "", /^小红，/);
    },
  );

  await t.step(
    "获取短信验证码 posts the form, and the page says the code was sent",
    async () => {
      posts.length = 0;
      await field("mobile").fill(MOBILE);
      await bindForm.getByRole("button", { name: "获取短信验证码" }).click();
      await page.getByText("短信验证码已发送").waitFor();
      assert.deepEqual(posts, ["POST /oauth_callback"]);
      assert.equal(await field("mobile").inputValue(), MOBILE);
    },
  );

  await t.step(
    "the server points out a short password and keeps the mobile",
    async () => {
      await field("password").fill("abc12");
      await field("sms_code").fill("000000");
      await bindForm.getByRole("button", { name: "绑定" }).click();
      await errorOf("password").waitFor();
      assert.equal(
        await errorOf("password").textContent(),
        "请输入8-20位的密码",
      );
      assert.equal(await field("mobile").inputValue(), MOBILE);
    },
  );

  await t.step(
    "binding with the texted code logs in on next, the account page, which shows the binding",
    async () => {
      await field("password").fill(PASSWORD);
      await field("sms_code").fill(await app.readSms(MOBILE));
      await field("allow").check();
      await bindForm.getByRole("button", { name: "绑定" }).click();
      await page.waitForURL(app.origin + "/account");
      assert.equal(
        await page.locator('[data-field="username"]').textContent(),
        maskMobile(MOBILE),
      );
      assert.match(
        await page.locator('[data-field="qq"]').textContent() ?? "",
        /^已绑定（小红）/,
      );

      const cookies = await context.cookies(app.origin);
      const username = cookies.find((cookie) => cookie.name === "username");
      assert.equal(username?.value, MOBILE);
      const lifetime = username.expires - Date.now() / 1000;
      assert.ok(
        Math.abs(lifetime - FIFTEEN_DAYS_S) < 60,
        `username cookie lives ${lifetime} s`,
      );
    },
  );

  await t.step("解除绑定 asks first, then removes the binding", async () => {
    await page.getByRole("link", { name: "解除绑定" }).click();
    await page.waitForURL(app.origin + "/account/qq/unbind");
    await page.getByRole("button", { name: "解除绑定" }).click();
    await page.locator('[data-field="qq"]', { hasText: "未绑定" }).waitFor();
    assert.equal(page.url(), app.origin + "/account");
  });

  await t.step(
    "绑定QQ on the account page binds the QQ chosen at once, with no form",
    async () => {
      await page.getByRole("link", { name: "绑定QQ" }).click();
      await page.getByRole("button", { name: /小红/ }).click();
      await page.waitForURL(app.origin + "/account");
      assert.match(
        await page.locator('[data-field="qq"]').textContent() ?? "",
        /^已绑定（小红）/,
      );
    },
  );

  await t.step("no page broke its Content Security Policy", () => {
    assert.deepEqual(trouble.cspViolations, []);
    assert.deepEqual(trouble.scriptErrors, []);
  });
});
