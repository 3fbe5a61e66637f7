// The bind form as people use it, on a desktop and a phone, with JavaScript on and off: Enter binds and
// never texts, a failed bind keeps what is still valid, the messages say what to do, the page says who
// is binding, and axe finds nothing serious at any step.
import assert from "node:assert/strict";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { accessibilityProblems } from "./_axe.ts";
import {
  launchChromium,
  MODES,
  openPage,
  screenshotForDocs,
  untilNewPage,
} from "./_browser.ts";
import { startShop } from "./_shop.ts";

const [XIAOMING, , ZHANGSAN] = PRESET_IDENTITIES;
/** 小明 shops with this mobile already, and binds his QQ to it. */
const XIAOMING_SHOP = { mobile: "13700137000", password: "xiaoming2020" };
/** 老李's account, which 张三's QQ is bound to. */
const LAOLI = { mobile: "13600136000", password: "laoli2021", qq: ZHANGSAN };
const COUNTDOWN = /^(\d+)秒后可重新获取$/;

for (const mode of MODES) {
  Deno.test(`小明 binds his QQ to the account he has (${mode.name})`, async (t) => {
    await using app = await startShop([XIAOMING_SHOP, LAOLI]);
    await using browser = await launchChromium();
    const { context, page, trouble } = await openPage(browser, mode);
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") {
        posts.push(
          `${new URL(request.url()).pathname} ${request.postData() ?? ""}`,
        );
      }
    });
    const form = page.locator("form.account-form");
    const field = (name: string) => form.locator(`input[name=${name}]`);
    const messageOf = (name: string) =>
      form.locator(`p.error[data-field="${name}"]`);
    const helpOf = (name: string) => form.locator(`#${name}-message p.help`);
    const smsButton = form.locator("button.sms-button");
    const focused = (name: string) =>
      page.locator(`:focus[name="${name}"], #${name}-message:focus`).count();
    const noSeriousProblems = async (state: string) =>
      assert.deepEqual(
        await accessibilityProblems(page, mode),
        [],
        `axe on ${state}`,
      );
    const sendCode = async () => {
      if (mode.javaScript) {
        await smsButton.click();
        await form.getByText("短信验证码已发送").waitFor();
      } else {
        await untilNewPage(page, mode, () => smsButton.click());
      }
    };
    const submitWithEnter = (name: string) =>
      untilNewPage(page, mode, () => field(name).press("Enter"));

    await t.step(
      "the bind page shows 小明's avatar and nickname, until when it is valid, and how to switch or cancel",
      async () => {
        await page.goto(app.origin + "/oauth/qq/login?next=/account");
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("button", { name: /小明/ }).click(),
        );
        assert.equal(
          await page.locator("h1").textContent(),
          "绑定美多商城账号",
        );
        const avatar = page.locator("img.avatar");
        assert.equal(await avatar.getAttribute("alt"), "小明的QQ头像");
        assert.ok(
          await avatar.evaluate((img: HTMLImageElement) => img.naturalWidth) >
            0,
          "the avatar loads",
        );
        assert.ok(
          !(await page.content()).includes(XIAOMING.openid),
          "the openid stays off the page",
        );
        assert.equal(
          await page.locator(".visitor p.lead").textContent(),
          "小明，您已通过QQ登录。",
        );
        assert.match(
          await page.locator(".visitor .expiry").textContent() ?? "",
          /^请在\d\d:\d\d前完成绑定（10分钟内有效）$/,
        );
        assert.equal(
          await page.getByRole("link", { name: "换一个QQ登录" }).getAttribute(
            "href",
          ),
          "/oauth/qq/login?next=%2Faccount",
        );
        assert.equal(
          await page.getByRole("link", { name: "取消" }).getAttribute("href"),
          "/account",
        );
        const header = page.locator("header.site-header");
        assert.equal(
          await header.getByRole("link", { name: "登录" }).count(),
          0,
        );
        assert.equal(
          await header.getByRole("link", { name: "注册" }).count(),
          0,
        );
        assert.match(
          await header.textContent() ?? "",
          /小明（QQ登录，待绑定）/,
        );
        await noSeriousProblems("the empty bind form");
        // qq_bind.test.ts takes the desktop's.
        if (mode.javaScript && mode.viewport.width < 500) {
          await screenshotForDocs(page, "bind-form-phone.png");
        }
      },
    );

    await t.step(
      "the code field is named 短信验证码 alone, and the password is the account's current one",
      async () => {
        const code = page.getByRole("textbox", {
          name: "短信验证码",
          exact: true,
        });
        assert.equal(await code.getAttribute("name"), "sms_code");
        assert.equal(
          await field("password").getAttribute("autocomplete"),
          "current-password",
        );
        assert.equal(
          await page.locator("#password-hint").textContent(),
          "8-20位，字母、数字或符号",
        );
        assert.match(
          await field("password").getAttribute("aria-describedby") ?? "",
          /\bpassword-hint\b/,
        );
      },
    );

    await t.step(
      "Enter in the mobile field submits the bind, sends no SMS, and takes the focus to the password",
      async () => {
        posts.length = 0;
        await field("mobile").fill(XIAOMING_SHOP.mobile);
        if (mode.javaScript) {
          await field("mobile").press("Enter");
          await messageOf("form").waitFor();
          assert.deepEqual(posts, [], "the form checks itself first");
        } else {
          await submitWithEnter("mobile");
          assert.equal(posts.length, 1);
          assert.match(posts[0], /^\/oauth_callback /);
          assert.doesNotMatch(posts[0], /action=send_sms/);
          assert.equal(
            await field("mobile").inputValue(),
            XIAOMING_SHOP.mobile,
          );
        }
        assert.equal(await messageOf("form").textContent(), "缺少必传参数");
        assert.equal(await focused("password"), 1, "the focus is on 密码");
        assert.equal(
          await field("password").getAttribute("aria-invalid"),
          "true",
        );
        assert.equal(app.codesSentTo(XIAOMING_SHOP.mobile), 0);
        await noSeriousProblems("the bind form missing fields");
      },
    );

    await t.step(
      "获取短信验证码 sends a code and the button counts the 60 s down",
      async () => {
        if (mode.javaScript) {
          // The page's time stands still until the button has been read: a busy machine may take
          // seconds to look.
          await context.clock.install();
          await context.clock.pauseAt(Date.now() + 1_000);
        }
        await sendCode();
        assert.equal(app.codesSentTo(XIAOMING_SHOP.mobile), 1);
        const [, seconds] = (await smsButton.textContent())!.match(COUNTDOWN)!;
        if (mode.javaScript) {
          assert.equal(seconds, "60");
          await context.clock.resume();
        } else {
          // Counted by the server as it made the page, in the request that sent the code.
          assert.ok(Number(seconds) >= 50, `${seconds} s left`);
        }
        // Without JavaScript nothing counts, so the button stays usable and the server answers.
        assert.equal(await smsButton.isDisabled(), mode.javaScript);
        await noSeriousProblems("the bind form, code sent");
      },
    );

    if (!mode.javaScript) {
      await t.step(
        "asking again within the 60 s says how long to wait, and sends nothing",
        async () => {
          await untilNewPage(page, mode, () => smsButton.click());
          assert.equal(
            await messageOf("sms_code").textContent(),
            "发送短信过于频繁",
          );
          assert.match(
            await helpOf("sms_code").textContent() ?? "",
            /^请\d+秒后再获取$/,
          );
          assert.match(await smsButton.textContent() ?? "", COUNTDOWN);
          assert.equal(app.codesSentTo(XIAOMING_SHOP.mobile), 1);
          await noSeriousProblems("the bind form, SMS refused");
        },
      );
    }

    let code = "";
    await t.step(
      "a wrong password is shown at the password field with 忘记密码; mobile, code, countdown and nickname stay",
      async () => {
        code = await app.readSms(XIAOMING_SHOP.mobile);
        await field("password").fill("wrongpass1");
        await field("sms_code").fill(code);
        await field("allow").check();
        await submitWithEnter("sms_code");
        assert.equal(
          await messageOf("password").textContent(),
          "用户名或密码错误",
        );
        assert.equal(
          await helpOf("password").textContent(),
          "该手机号已注册，请输入这个账号的登录密码 忘记密码",
        );
        assert.equal(
          await helpOf("password").getByRole("link", { name: "忘记密码" })
            .getAttribute("href"),
          "/password/reset",
        );
        assert.equal(await form.locator("p.error").count(), 1);
        assert.match(
          await field("password").getAttribute("aria-describedby") ?? "",
          /\bpassword-message\b/,
        );
        assert.equal(await focused("password"), 1);
        assert.equal(await field("mobile").inputValue(), XIAOMING_SHOP.mobile);
        assert.equal(await field("sms_code").inputValue(), code);
        const [, seconds] = (await smsButton.textContent())!.match(COUNTDOWN)!;
        assert.ok(Number(seconds) <= 60 && Number(seconds) > 20);
        assert.equal(await smsButton.isDisabled(), mode.javaScript);
        if (mode.javaScript) {
          // It goes on counting from where the server says it was.
          await smsButton.getByText(COUNTDOWN).filter({
            hasNotText: `${seconds}秒`,
          }).waitFor();
        }
        assert.equal(
          await page.locator(".visitor p.lead").textContent(),
          "小明，您已通过QQ登录。",
        );
        await noSeriousProblems("the bind form, wrong password");
        if (mode.javaScript) {
          await screenshotForDocs(
            page,
            mode.viewport.width < 500
              ? "bind-failed-phone.png"
              : "bind-failed.png",
          );
        }
      },
    );

    await t.step(
      "a password with a space is told the rule in words: no spaces",
      async () => {
        await field("password").fill("Passw0rd 1");
        if (!mode.javaScript) await submitWithEnter("password");
        assert.equal(
          await messageOf("password").textContent(),
          "请输入8-20位的密码",
        );
        assert.equal(
          await helpOf("password").textContent(),
          "只能用字母、数字或英文符号，不能有空格或汉字",
        );
        assert.equal(await field("sms_code").inputValue(), code);
        await noSeriousProblems("the bind form, password refused");
      },
    );

    await t.step(
      "an account that has another QQ is told so, with what to do",
      async () => {
        await field("mobile").fill(LAOLI.mobile);
        await sendCode();
        await field("password").fill(LAOLI.password);
        await field("sms_code").fill(await app.readSms(LAOLI.mobile));
        await submitWithEnter("password");
        assert.equal(
          await messageOf("provider").textContent(),
          "QQ登录失败（该账号已绑定其他QQ）",
        );
        assert.match(
          await helpOf("provider").textContent() ?? "",
          /^一个账号只能绑定一个QQ：请换一个手机号；.*解除原来的QQ绑定/,
        );
        assert.equal(
          await helpOf("provider").getByRole("link", { name: "登录" })
            .getAttribute(
              "href",
            ),
          "/login?next=%2Faccount",
        );
        assert.equal(
          await focused("provider"),
          1,
          "the focus is on the message",
        );
        await noSeriousProblems("the bind form, account has a QQ");
      },
    );

    await t.step(
      "an expired bind says so with a 重新QQ登录 link, and keeps the mobile and code",
      async () => {
        // What a form left open past its 10 minutes sends: a token the server no longer takes.
        await form.locator("input[name=access_token]").evaluate((
          input: HTMLInputElement,
        ) => input.value = "expired");
        await field("mobile").fill(XIAOMING_SHOP.mobile);
        await field("password").fill(XIAOMING_SHOP.password);
        await field("sms_code").fill(code);
        await submitWithEnter("sms_code");
        assert.equal(
          await messageOf("access_token").textContent(),
          "无效的openid",
        );
        assert.equal(await focused("access_token"), 1);
        assert.equal(await field("mobile").inputValue(), XIAOMING_SHOP.mobile);
        assert.equal(await field("sms_code").inputValue(), code);
        await noSeriousProblems("the bind form, bind expired");
        await untilNewPage(
          page,
          mode,
          () =>
            helpOf("access_token").getByRole("link", { name: "重新QQ登录" })
              .click(),
        );
        assert.match(page.url(), /\/dev\/qq\/oauth2\.0\/authorize\?/);
      },
    );

    await t.step(
      "after QQ login again, the live code binds with the right password, by Enter",
      async () => {
        await untilNewPage(
          page,
          mode,
          () => page.getByRole("button", { name: /小明/ }).click(),
        );
        await field("mobile").fill(XIAOMING_SHOP.mobile);
        await field("password").fill(XIAOMING_SHOP.password);
        await field("sms_code").fill(code);
        await field("allow").check();
        await submitWithEnter("password");
        assert.equal(new URL(page.url()).pathname, "/");
        await page.goto(app.origin + "/account");
        assert.match(
          await page.locator('[data-field="qq"]').textContent() ?? "",
          /^已绑定（小明）/,
        );
        // Back on the bind page, it says the bind is done.
        await page.goto(app.origin + "/oauth_callback");
        assert.equal(await page.locator("h1").textContent(), "绑定成功");
        await noSeriousProblems("the bind page after the bind");
        assert.equal(
          app.codesSentTo(XIAOMING_SHOP.mobile),
          1,
          "Enter never sent a code",
        );
      },
    );

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });
}
