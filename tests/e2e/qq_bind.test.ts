// A QQ user binds their QQ account to a new shop account, in Chromium with JavaScript on.
import assert from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import {
  BROWSER_WAIT_MS,
  launchChromium,
  screenshotForDocs,
  scriptNonces,
  strictScriptNonce,
  untilHydrated,
  VIEWPORT,
  watchForTrouble,
} from "./_browser.ts";
import { startApp } from "@/tests/_app_server.ts";

const MOBILE = "13800138000";
const PASSWORD = "xiaoming2024";
const FIFTEEN_DAYS_S = 15 * 24 * 3600;

Deno.test("小明 logs in with QQ, binds a new mobile, sees the binding and removes it", async (t) => {
  await using app = await startApp();
  await using browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  // The page's clock is Playwright's: the countdown's minute is run through, not waited for.
  await context.clock.install();
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const trouble = watchForTrouble(page);
  const requests: string[] = [];
  page.on("request", (request) => {
    requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });

  const bindForm = page.locator("form.account-form");
  const field = (name: string) => bindForm.locator(`input[name=${name}]`);
  const smsButton = bindForm.locator("button.sms-button");
  const countdown = (text: string) =>
    bindForm.locator("button.sms-button", { hasText: new RegExp(`^${text}$`) });
  const errorOf = (field: string) =>
    bindForm.locator(`p.error[data-field="${field}"]`);

  await t.step(
    "QQ登录 on the home page opens QQ's authorize page",
    async () => {
      await page.goto(app.origin + "/");
      await untilHydrated(page);
      await page.getByRole("link", { name: "QQ登录" }).click();
      await page.waitForURL("**/dev/qq/oauth2.0/authorize?**");
      assert.equal(await page.locator("h1").textContent(), "QQ登录");
    },
  );

  await t.step(
    "authorizing as 小明 comes back to an empty bind form",
    async () => {
      const bindPage = page.waitForResponse((response) =>
        new URL(response.url()).pathname === "/oauth_callback" &&
        response.status() === 200
      );
      await page.getByRole("button", { name: /小明/ }).click();
      await page.waitForURL(app.origin + "/oauth_callback");
      const nonce = strictScriptNonce(await bindPage);
      await untilHydrated(page);
      assert.equal(await page.locator("h1").textContent(), "绑定美多商城账号");
      const nonces = await scriptNonces(page);
      assert.ok(nonces.length > 0, "the bind form's island is loaded");
      assert.deepEqual(nonces, nonces.map(() => nonce));
      assert.match(await page.locator("p.lead").textContent() ?? "", /^小明，/);
      assert.equal(
        await field("mobile").inputValue(),
        "",
      );
      assert.equal(await bindForm.locator("p.error").count(), 0);
      assert.equal(await smsButton.textContent(), "获取短信验证码");
      assert.ok(
        await smsButton.isDisabled(),
        "no mobile yet, no SMS to ask for",
      );
      await screenshotForDocs(page, "bind-form.png");
    },
  );

  await t.step(
    "a bad mobile and a short password are pointed out as you type, and nothing is sent",
    async () => {
      requests.length = 0;
      await field("mobile").pressSequentially("1234567");
      assert.equal(
        await errorOf("mobile").textContent(),
        "请输入正确的手机号码",
      );
      await field("password").pressSequentially("abc12");
      assert.equal(
        await errorOf("password").textContent(),
        "请输入8-20位的密码",
      );
      assert.ok(await smsButton.isDisabled(), "no SMS for a bad mobile");
      await screenshotForDocs(page, "bind-form-errors.png");

      await bindForm.getByRole("button", { name: "绑定" }).click();
      assert.equal(await errorOf("form").textContent(), "缺少必传参数");
      assert.deepEqual(
        requests,
        [],
        "the form checks itself before any request",
      );
    },
  );

  await t.step(
    "with a good mobile, 获取短信验证码 sends a code and counts down 60 seconds",
    async () => {
      await field("mobile").fill(MOBILE);
      await field("password").fill(PASSWORD);
      assert.equal(await errorOf("mobile").count(), 0);
      assert.equal(await errorOf("password").count(), 0);

      // The page's time stands still until the test moves it: a busy machine can take more than the
      // countdown's first second to look, and would find 59 where 60 should be.
      await context.clock.pauseAt(Date.now() + 1_000);
      await smsButton.click();
      await page.getByText("短信验证码已发送").waitFor();
      // The mobile travels in the body: a URL is kept by request logs and traces.
      assert.deepEqual(requests, ["POST /sms_codes"]);
      await countdown("60秒后可重新获取").waitFor();
      assert.ok(await smsButton.isDisabled());
      // The countdown's 250 ms ticks start after a paint: a second and a half in, it says 59.
      await context.clock.runFor(1_500);
      await countdown("59秒后可重新获取").waitFor();
      assert.ok(await smsButton.isDisabled());

      // Each tick also waits for a paint, so 60 ticks take a little over 60 s.
      await context.clock.runFor("01:05");
      await countdown("获取短信验证码").waitFor();
      assert.ok(
        await smsButton.isEnabled(),
        "a new code may be asked for after 60 s",
      );
      await context.clock.resume();
    },
  );

  await t.step(
    "binding with the texted code logs in on next (/) with a 15-day username cookie",
    async () => {
      const code = await app.readSms(MOBILE);
      await field("sms_code").fill(code);
      await bindForm.getByRole("checkbox", {
        name: "我已阅读并同意《用户协议》和《隐私政策》",
      }).check();
      await bindForm.getByRole("button", { name: "绑定" }).click();
      await page.waitForURL(app.origin + "/");
      assert.equal(
        await page.locator("h1").textContent(),
        `欢迎您，${maskMobile(MOBILE)}`,
      );

      const cookies = await context.cookies(app.origin);
      const username = cookies.find((cookie) => cookie.name === "username");
      assert.equal(username?.value, MOBILE);
      const lifetime = username.expires - Date.now() / 1000;
      assert.ok(
        Math.abs(lifetime - FIFTEEN_DAYS_S) < 60,
        `username cookie lives ${lifetime} s`,
      );
      const session = cookies.find((cookie) => cookie.name === "session");
      assert.equal(session?.httpOnly, true);
      assert.equal(session.sameSite, "Lax");
    },
  );

  await t.step(
    "the account page shows the QQ binding, and ships no script",
    async () => {
      await page.getByRole("link", { name: "我的账户" }).click();
      await page.waitForURL(app.origin + "/account");
      assert.equal(
        await page.locator('[data-field="username"]').textContent(),
        maskMobile(MOBILE),
      );
      assert.equal(
        await page.locator('[data-field="mobile"]').textContent(),
        maskMobile(MOBILE),
      );
      assert.match(
        await page.locator('[data-field="qq"]').textContent() ?? "",
        /^已绑定（小明）/,
      );
      assert.equal(await page.locator("script").count(), 0);
      await screenshotForDocs(page, "account.png");
    },
  );

  await t.step(
    "after logging out, QQ登录 as 小明 logs straight in",
    async () => {
      await page.getByRole("button", { name: "退出" }).click();
      await page.waitForURL(app.origin + "/");
      assert.equal(await page.locator("p.who").textContent(), "您尚未登录。");
      await untilHydrated(page);
      await page.getByRole("link", { name: "QQ登录" }).click();
      await page.getByRole("button", { name: /小明/ }).click();
      // Home again, this time logged in: the heading tells the two apart.
      await page.getByRole("heading", { name: `欢迎您，${maskMobile(MOBILE)}` })
        .waitFor();
      assert.equal(page.url(), app.origin + "/");
    },
  );

  await t.step(
    "unbinding asks for the password (a QQ login proves no password), then to confirm; once unbound, logging in with QQ asks to bind again",
    async () => {
      await page.getByRole("link", { name: "我的账户" }).click();
      await page.getByRole("link", { name: "解除绑定" }).click();
      await page.waitForURL(
        app.origin + "/account/confirm?next=/account/qq/unbind",
      );
      await page.locator("input[name=password]").fill(PASSWORD);
      await page.getByRole("button", { name: "确认" }).click();
      await page.waitForURL(app.origin + "/account/qq/unbind");
      assert.match(
        await page.locator("p.lead").textContent() ?? "",
        /确定要解除QQ（小明）与本账号的绑定吗/,
      );
      await page.getByRole("button", { name: "解除绑定" }).click();
      await page.locator('[data-field="qq"]', { hasText: "未绑定" }).waitFor();
      assert.equal(page.url(), app.origin + "/account");

      await page.getByRole("button", { name: "退出" }).click();
      await page.waitForURL(app.origin + "/");
      await untilHydrated(page);
      await page.getByRole("link", { name: "QQ登录" }).click();
      await page.getByRole("button", { name: /小明/ }).click();
      await page.waitForURL(app.origin + "/oauth_callback");
      assert.equal(await page.locator("h1").textContent(), "绑定美多商城账号");
    },
  );

  await t.step("no page broke its Content Security Policy or threw", () => {
    assert.deepEqual(trouble.cspViolations, []);
    assert.deepEqual(trouble.scriptErrors, []);
  });
});
