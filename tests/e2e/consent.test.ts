// 我已阅读并同意《用户协议》和《隐私政策》 as people meet it, on a desktop and a phone, with JavaScript on and
// off: the register form will not go without the box ticked and says so at the box, and an account
// that never agreed is asked on /consent, which works from the keyboard alone.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { accessibilityProblems } from "./_axe.ts";
import { launchChromium, MODES, openPage, untilNewPage } from "./_browser.ts";
import { startShop } from "./_shop.ts";

const XIAOLI = { mobile: "13300133000", password: "xiaoli2024" };
/** 老周's account was made before consents were kept. */
const LAOZHOU = {
  mobile: "13200132000",
  password: "laozhou2019",
  consented: false,
};
const ALLOW = "我已阅读并同意《用户协议》和《隐私政策》";

/** The name of the element that has the focus ("" when none has a name). */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() =>
    document.activeElement?.getAttribute("name") ??
      document.activeElement?.textContent?.trim() ?? ""
  );
}

/** Presses Tab until `name` (an element's name, or a button's or a link's text) has the focus. */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 40; i++) {
    if (await focusedName(page) === name) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${name}`);
}

for (const mode of MODES) {
  Deno.test(`小李 must tick ${ALLOW} before the register form goes (${mode.name})`, async (t) => {
    await using app = await startShop([]);
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") {
        posts.push(`${new URL(request.url()).pathname} ${request.postData()}`);
      }
    });
    const form = page.locator("form.account-form");
    const field = (name: string) => form.locator(`input[name=${name}]`);
    const box = form.getByRole("checkbox", { name: ALLOW });

    await t.step(
      "the box is there, unticked, its titles links that open beside the form",
      async () => {
        await untilNewPage(
          page,
          mode,
          () => page.goto(app.origin + "/register"),
        );
        assert.equal(await box.isChecked(), false);
        for (
          const [name, href] of [["《用户协议》", "/agreement"], [
            "《隐私政策》",
            "/privacy",
          ]]
        ) {
          const link = form.getByRole("link", { name });
          assert.equal(await link.getAttribute("href"), href);
          assert.equal(await link.getAttribute("target"), "_blank");
        }
      },
    );

    await t.step(
      "everything else filled in, Enter says 请勾选用户协议 at the box, which has the focus",
      async () => {
        await field("mobile").fill(XIAOLI.mobile);
        await field("password").fill(XIAOLI.password);
        const smsButton = form.locator("button.sms-button");
        if (mode.javaScript) {
          await smsButton.click();
          await page.getByText("短信验证码已发送").waitFor();
        } else {
          await untilNewPage(page, mode, () => smsButton.click());
        }
        const code = await app.readSms(XIAOLI.mobile);
        // Without JavaScript the page came back from the SMS button: a password is never sent back.
        await field("password").fill(XIAOLI.password);
        await field("sms_code").fill(code);
        posts.length = 0;
        if (mode.javaScript) {
          await field("sms_code").press("Enter");
          await form.locator('p.error[data-field="allow"]').waitFor();
          assert.deepEqual(
            posts,
            [],
            "the form checks the box as the server does",
          );
        } else {
          await untilNewPage(
            page,
            mode,
            () => field("sms_code").press("Enter"),
          );
          assert.equal(posts.length, 1);
          assert.equal(await field("mobile").inputValue(), XIAOLI.mobile);
          assert.equal(await field("sms_code").inputValue(), code);
        }
        assert.equal(
          await form.locator('p.error[data-field="allow"]').textContent(),
          "请勾选用户协议",
        );
        assert.equal(await form.locator("p.error").count(), 1);
        assert.equal(await focusedName(page), "allow");
        assert.equal(await box.getAttribute("aria-invalid"), "true");
        assert.equal(app.codesSentTo(XIAOLI.mobile), 1);
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step("Space ticks it, and the form registers 小李", async () => {
      await page.keyboard.press("Space");
      assert.equal(await box.isChecked(), true);
      if (mode.javaScript) {
        assert.equal(
          await form.locator('p.error[data-field="allow"]').count(),
          0,
          "the message goes once the box is ticked",
        );
      }
      if (!mode.javaScript) await field("password").fill(XIAOLI.password);
      await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
      assert.equal(new URL(page.url()).pathname, "/");
      assert.equal(
        await page.locator("h1").textContent(),
        "欢迎您，133****3000",
      );
    });

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });

  Deno.test(`老周, whose account never agreed, is asked on /consent and agrees by keyboard (${mode.name})`, async (t) => {
    await using app = await startShop([LAOZHOU]);
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);

    await t.step(
      "logging in lands on /consent, which comes back to the page asked for",
      async () => {
        await page.goto(app.origin + "/login?next=/account");
        await page.locator("input[name=username]").fill(LAOZHOU.mobile);
        await page.locator("input[name=password]").fill(LAOZHOU.password);
        await untilNewPage(
          page,
          mode,
          () => page.locator("input[name=password]").press("Enter"),
        );
        const url = new URL(page.url());
        assert.equal(url.pathname + url.search, "/consent?next=/account");
        assert.equal(
          await page.locator("h1").textContent(),
          "请阅读用户协议和隐私政策",
        );
        assert.equal(
          await page.getByRole("checkbox", { name: ALLOW }).isChecked(),
          false,
        );
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(
      "同意并继续 without the box: 请勾选用户协议, the focus on the box",
      async () => {
        await tabTo(page, "同意并继续");
        await untilNewPage(page, mode, () => page.keyboard.press("Enter"));
        assert.equal(
          await page.locator('p.error[data-field="allow"]').textContent(),
          "请勾选用户协议",
        );
        assert.equal(await focusedName(page), "allow");
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(
      "the texts open from it, and the account page waits until it agrees",
      async () => {
        const account = await page.context().request.get(
          app.origin + "/account",
          {
            maxRedirects: 0,
          },
        );
        assert.equal(account.status(), 303);
        const privacy = await page.context().request.get(
          app.origin + "/privacy",
        );
        assert.equal(privacy.status(), 200);
        assert.match(await privacy.text(), /美多商城隐私政策/);
      },
    );

    await t.step(
      "Space ticks the box, Tab and Enter agree, and the account page opens",
      async () => {
        await page.keyboard.press("Space");
        await tabTo(page, "同意并继续");
        await untilNewPage(page, mode, () => page.keyboard.press("Enter"));
        assert.equal(new URL(page.url()).pathname, "/account");
        assert.equal(await page.locator("h1").textContent(), "我的账户");
      },
    );

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });
}
