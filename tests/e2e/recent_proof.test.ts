// 张三 is logged in with QQ only, and binds her WeChat from the account page: the shop asks for her
// password first, then goes on to WeChat, and the account page tells of the new binding, whose
// 解除绑定 opens at once. In Chromium against the real server, with JavaScript on and off.
import assert from "node:assert/strict";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { messages } from "@/lib/messages.ts";
import { accessibilityProblems } from "./_axe.ts";
import { launchChromium, MODES, openPage, untilNewPage } from "./_browser.ts";
import { startShop } from "./_shop.ts";

const ZHANGSAN = {
  mobile: "13500135000",
  password: "zhangsan2024",
  qq: PRESET_IDENTITIES[2],
};

for (const mode of MODES.filter(({ viewport }) => viewport.width > 500)) {
  Deno.test(`a connect asks for the password first, then is told on the account page (${mode.name})`, async (t) => {
    await using app = await startShop([ZHANGSAN]);
    await using browser = await launchChromium();
    const { context, page, trouble } = await openPage(browser, mode);

    await t.step(
      "logged in with QQ, 绑定微信 asks for the password",
      async () => {
        await page.goto(`${app.origin}/oauth/qq/login?next=/account`);
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("button", { name: /张三/ }).click(),
        );
        assert.equal(new URL(page.url()).pathname, "/account");
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("link", { name: "绑定微信" }).click(),
        );
        const url = new URL(page.url());
        assert.equal(url.pathname, "/account/confirm");
        assert.equal(
          url.searchParams.get("next"),
          "/oauth/wechat/login?next=/account",
        );
        assert.equal(
          await page.locator("h1").textContent(),
          messages.confirmTitle,
        );
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(`a wrong password: ${messages.passwordWrong}`, async () => {
      await page.locator("input[name=password]").fill("wrongpass1");
      await untilNewPage(
        page,
        mode,
        () => page.getByRole("button", { name: "确认" }).click(),
      );
      await page.locator('p.error[data-field="password"]', {
        hasText: messages.passwordWrong,
      }).waitFor();
      assert.deepEqual(await accessibilityProblems(page, mode), []);
    });

    await t.step(
      "the right one goes on to WeChat, and back the account page says 新绑定了微信",
      async () => {
        await page.locator("input[name=password]").fill(ZHANGSAN.password);
        await page.locator("input[name=password]").press("Enter");
        await page.waitForURL("**/dev/wechat/connect/qrconnect?**");
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("button", { name: /微信小明/ }).click(),
        );
        assert.equal(new URL(page.url()).pathname, "/account");
        const notice = page.locator('[data-notice="connect"]');
        assert.match(
          await notice.textContent() ?? "",
          /^新绑定了微信：微信小明/,
        );
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(
      "its 解除绑定 opens the confirmation at once, and unbinds",
      async () => {
        await untilNewPage(
          page,
          mode,
          () =>
            page.locator('[data-notice="connect"]').getByRole("link", {
              name: "解除绑定",
            }).click(),
        );
        assert.equal(new URL(page.url()).pathname, "/account/wechat/unbind");
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("button", { name: "解除绑定" }).click(),
        );
        assert.equal(new URL(page.url()).pathname, "/account");
        assert.match(
          await page.locator('[data-field="wechat"]').textContent() ?? "",
          /^未绑定/,
        );
        assert.equal(await page.locator('[data-notice="connect"]').count(), 0);
      },
    );

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
    await context.close();
    assert.deepEqual(app.stderr, []);
  });
}
