// The register form as people use it, on a desktop and a phone, with JavaScript on and off: Enter
// registers and never texts, the SMS button keeps to one line, a code sent from another tab is waited
// for with the seconds said, and a taken mobile is told where to log in.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { accessibilityProblems } from "./_axe.ts";
import { launchChromium, MODES, openPage, untilNewPage } from "./_browser.ts";
import { startShop } from "./_shop.ts";

/** 老赵 has an account already; 小李 registers a new one. */
const LAOZHAO = { mobile: "13400134000", password: "laozhao2024" };
const XIAOLI = "13300133000";

function registerForm(page: Page) {
  const form = page.locator("form.account-form");
  return {
    form,
    field: (name: string) => form.locator(`input[name=${name}]`),
    smsButton: form.locator("button.sms-button"),
    messageOf: (name: string) => form.locator(`p.error[data-field="${name}"]`),
    helpOf: (name: string) => form.locator(`#${name}-message p.help`),
  };
}

for (const mode of MODES) {
  Deno.test(`小李 registers, and Enter never texts (${mode.name})`, async (t) => {
    await using app = await startShop([LAOZHAO]);
    await using browser = await launchChromium();
    const { context, page, trouble } = await openPage(browser, mode);
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") {
        posts.push(`${new URL(request.url()).pathname} ${request.postData()}`);
      }
    });
    const { field, smsButton, messageOf, helpOf } = registerForm(page);
    const sendCode = async () => {
      if (mode.javaScript) {
        await smsButton.click();
        await page.getByText("短信验证码已发送").waitFor();
      } else {
        await untilNewPage(page, mode, () => smsButton.click());
      }
    };
    /** The SMS button is one line high: no taller than the field beside it. */
    const assertOneLine = async () => {
      const button = (await smsButton.boundingBox())!;
      const input = (await field("sms_code").boundingBox())!;
      assert.ok(
        button.height <= input.height + 2,
        `the button is ${button.height} px high beside a ${input.height} px field`,
      );
    };

    await t.step(
      "Enter in the mobile field submits the form and sends no SMS",
      async () => {
        await untilNewPage(
          page,
          mode,
          () => page.goto(app.origin + "/register"),
        );
        await assertOneLine();
        assert.equal(
          await field("password").getAttribute("autocomplete"),
          "new-password",
        );
        await field("mobile").fill(XIAOLI);
        if (mode.javaScript) {
          await field("mobile").press("Enter");
          await messageOf("form").waitFor();
          assert.deepEqual(posts, []);
        } else {
          await untilNewPage(page, mode, () => field("mobile").press("Enter"));
          assert.equal(posts.length, 1);
          assert.doesNotMatch(posts[0], /action=send_sms/);
          assert.equal(await field("mobile").inputValue(), XIAOLI);
        }
        assert.equal(await messageOf("form").textContent(), "缺少必传参数");
        assert.equal(
          await page.locator(":focus").getAttribute("name"),
          "password",
        );
        assert.equal(app.codesSentTo(XIAOLI), 0);
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step(
      "获取短信验证码 sends one code, and the countdown keeps to one line",
      async () => {
        await sendCode();
        assert.equal(app.codesSentTo(XIAOLI), 1);
        assert.match(
          await smsButton.textContent() ?? "",
          /^\d+秒后可重新获取$/,
        );
        await assertOneLine();
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    if (mode.javaScript) {
      await t.step(
        "a form opened before the code was sent says how long to wait when asked",
        async () => {
          const other = await context.newPage();
          const tab = registerForm(other);
          await untilNewPage(
            other,
            mode,
            () => other.goto(app.origin + "/register"),
          );
          await tab.field("mobile").fill(XIAOLI);
          await tab.smsButton.click();
          assert.equal(
            await tab.messageOf("sms_code").textContent(),
            "发送短信过于频繁",
          );
          const [, wait] = (await tab.helpOf("sms_code").textContent())!.match(
            /^请(\d+)秒后再获取$/,
          )!;
          assert.ok(Number(wait) > 30 && Number(wait) <= 60, `${wait} s`);
          assert.match(
            await tab.smsButton.textContent() ?? "",
            /^\d+秒后可重新获取$/,
          );
          assert.ok(await tab.smsButton.isDisabled());
          assert.equal(app.codesSentTo(XIAOLI), 1);
          assert.deepEqual(await accessibilityProblems(other, mode), []);
          await other.close();
        },
      );
    }

    await t.step(
      "a taken mobile is told to log in, and keeps the code typed",
      async () => {
        await field("mobile").fill(LAOZHAO.mobile);
        await sendCode();
        const code = await app.readSms(LAOZHAO.mobile);
        await field("password").fill("another2024");
        await field("sms_code").fill(code);
        await field("allow").check();
        await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
        assert.equal(await messageOf("mobile").textContent(), "该手机号已注册");
        assert.equal(
          await helpOf("mobile").getByRole("link", { name: "登录" })
            .getAttribute("href"),
          "/login?next=%2F",
        );
        assert.equal(
          await page.locator(":focus").getAttribute("name"),
          "mobile",
        );
        assert.equal(await field("sms_code").inputValue(), code);
        assert.deepEqual(await accessibilityProblems(page, mode), []);
      },
    );

    await t.step("the texted code registers 小李, by Enter", async () => {
      await field("mobile").fill(XIAOLI);
      await field("password").fill("xiaoli2024");
      await field("sms_code").fill(await app.readSms(XIAOLI));
      await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
      assert.equal(
        await page.locator("h1").textContent(),
        `欢迎您，${XIAOLI.slice(0, 3)}****${XIAOLI.slice(7)}`,
      );
      assert.equal(app.codesSentTo(XIAOLI), 1, "Enter never sent a code");
    });

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });
}
