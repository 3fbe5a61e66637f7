// 短信验证码登录 in Chromium, with JavaScript on and off: 老赵 logs in by a texted code from the second tab
// of /login; 小李, new to the shop, is asked only for a password and his consent after his code, and
// reloading the refused page posts nothing. And the tabs and 显示密码 by keyboard alone.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { accessibilityProblems } from "./_axe.ts";
import {
  launchChromium,
  type Mode,
  MODES,
  openPage,
  screenshotForDocs,
  untilHydrated,
  untilNewPage,
} from "./_browser.ts";
import { startShop } from "./_shop.ts";
import { maskMobile } from "@/lib/core/mask.ts";

const LAOZHAO = { mobile: "13400134000", password: "laozhao2024" };
const XIAOLI = "13300133000";

/** Desktop with JavaScript and without: the phone's layout is pages.test.ts's. */
const DESKTOP_MODES = MODES.filter((mode) => mode.viewport.width > 500);

function loginForm(page: Page) {
  const form = page.locator("form.account-form");
  return {
    form,
    field: (name: string) => form.locator(`input[name=${name}]`),
    smsButton: form.locator("button.sms-button"),
    messageOf: (name: string) => form.locator(`p.error[data-field="${name}"]`),
  };
}

/** 获取短信验证码: with JavaScript the page stays and says so; without it the form comes back. */
async function askForCode(page: Page, mode: Mode) {
  const { smsButton } = loginForm(page);
  if (mode.javaScript) {
    await smsButton.click();
    await page.getByText("短信验证码已发送").waitFor();
  } else {
    await untilNewPage(page, mode, () => smsButton.click());
    await page.getByText("短信验证码已发送").waitFor();
  }
}

/** The POSTs the page makes, as "path body". */
function watchPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") {
      posts.push(`${new URL(request.url()).pathname} ${request.postData()}`);
    }
  });
  return posts;
}

for (const mode of DESKTOP_MODES) {
  Deno.test(`老赵 logs in with a texted code from the 短信验证码登录 tab (${mode.name})`, async () => {
    await using app = await startShop([LAOZHAO]);
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);
    const { field } = loginForm(page);

    await page.goto(`${app.origin}/login?next=/account`);
    if (mode.javaScript) await untilHydrated(page);
    await untilNewPage(
      page,
      mode,
      () => page.getByRole("link", { name: "短信验证码登录" }).click(),
    );
    assert.equal(
      new URL(page.url()).search,
      "?by=sms&next=%2Faccount",
    );
    assert.equal(
      await page.getByRole("link", { name: "短信验证码登录" }).getAttribute(
        "aria-current",
      ),
      "page",
    );
    assert.equal(await field("password").count(), 0);
    await field("mobile").fill(LAOZHAO.mobile);
    await askForCode(page, mode);
    await field("sms_code").fill(await app.readSms(LAOZHAO.mobile));
    if (mode.javaScript) await screenshotForDocs(page, "login-sms.png");
    await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
    assert.equal(new URL(page.url()).pathname, "/account");
    await page.locator('[data-field="username"]', {
      hasText: maskMobile(LAOZHAO.mobile),
    }).waitFor();
    assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
  });

  Deno.test(`小李's first code signs him up with a password and his consent, and a reload posts nothing (${mode.name})`, async (t) => {
    await using app = await startShop([LAOZHAO]);
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);
    const posts = watchPosts(page);
    const { field, messageOf } = loginForm(page);

    await t.step(
      "the right code for a new mobile leads to the sign-up, the mobile masked",
      async () => {
        await page.goto(`${app.origin}/login?by=sms`);
        if (mode.javaScript) await untilHydrated(page);
        await field("mobile").fill(XIAOLI);
        await askForCode(page, mode);
        await field("sms_code").fill(await app.readSms(XIAOLI));
        await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
        assert.equal(
          new URL(page.url()).pathname + new URL(page.url()).search,
          "/register?continue=1",
        );
        assert.equal(
          await page.locator('.proven-mobile [data-field="mobile"]')
            .textContent(),
          "133****3000",
        );
        assert.equal(await field("mobile").count(), 0);
        assert.equal(
          await page.getByRole("checkbox", { name: /我已阅读并同意/ })
            .isChecked(),
          false,
        );
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(
      "without the box ticked: 请勾选用户协议, and reloading the page posts nothing",
      async () => {
        await field("password").fill("xiaoli2024");
        await untilNewPage(page, mode, () => field("password").press("Enter"));
        await messageOf("allow").filter({ hasText: "请勾选用户协议" })
          .waitFor();
        assert.deepEqual(await accessibilityProblems(page, mode), []);
        const before = posts.length;
        const reloaded = await page.reload();
        assert.equal(reloaded?.request().method(), "GET");
        assert.equal(reloaded?.status(), 400);
        await messageOf("allow").filter({ hasText: "请勾选用户协议" })
          .waitFor();
        assert.equal(posts.length, before, "the reload posted nothing");
      },
    );

    await t.step("ticked: the account is made and logged in", async () => {
      if (mode.javaScript) await untilHydrated(page);
      await field("password").fill("xiaoli2024");
      await page.getByRole("checkbox", { name: /我已阅读并同意/ }).check();
      await untilNewPage(
        page,
        mode,
        () => page.getByRole("button", { name: "注册" }).click(),
      );
      assert.equal(new URL(page.url()).pathname, "/");
      await page.getByRole("link", { name: maskMobile(XIAOLI) }).waitFor();
      assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
    });
  });
}

Deno.test("by keyboard alone: the login tabs, and 显示密码 shows and hides the password", async (t) => {
  await using app = await startShop([LAOZHAO]);
  await using browser = await launchChromium();
  const mode = MODES[0];
  const { page, trouble } = await openPage(browser, mode);
  await page.goto(`${app.origin}/login`);
  await untilHydrated(page);
  const password = page.locator("input[name=password]");
  const toggle = page.getByRole("button", { name: "显示密码" });

  await t.step(
    "Tab from the password reaches 显示密码; Space and Enter press it",
    async () => {
      await password.fill(LAOZHAO.password);
      await password.focus();
      await page.keyboard.press("Tab");
      assert.ok(
        await toggle.evaluate((button) => button === document.activeElement),
        "the button after the password has the focus",
      );
      assert.equal(await toggle.getAttribute("aria-pressed"), "false");
      assert.equal(await password.getAttribute("type"), "password");
      await page.keyboard.press("Space");
      assert.equal(await toggle.getAttribute("aria-pressed"), "true");
      assert.equal(await password.getAttribute("type"), "text");
      assert.equal(await password.inputValue(), LAOZHAO.password);
      await page.keyboard.press("Enter");
      assert.equal(await toggle.getAttribute("aria-pressed"), "false");
      assert.equal(await password.getAttribute("type"), "password");
    },
  );

  await t.step("Enter on the 短信验证码登录 tab opens it", async () => {
    await page.getByRole("link", { name: "短信验证码登录" }).focus();
    await untilNewPage(page, mode, () => page.keyboard.press("Enter"));
    assert.equal(new URL(page.url()).searchParams.get("by"), "sms");
    await page.locator("input[name=mobile]").waitFor();
    assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
  });
});
