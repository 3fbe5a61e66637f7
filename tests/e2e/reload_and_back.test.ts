// What a person does to a refused form in Chromium: reload it, go Back and Forward, finish the bind in
// a second tab; and the image code, answered with Enter.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  imageCodeUuid,
  launchChromium,
  MODES,
  openPage,
  untilHydrated,
  untilNewPage,
} from "./_browser.ts";
import { type AppServer, startApp } from "@/tests/_app_server.ts";

const MOBILE = "13900139000";
const PASSWORD = "xiaoming2024";

const DESKTOP_MODES = MODES.filter((mode) => mode.viewport.width > 500);

function bindForm(page: Page) {
  const form = page.locator("form.account-form");
  return {
    form,
    field: (name: string) => form.locator(`input[name=${name}]`),
    messageOf: (name: string) => form.locator(`p.error[data-field="${name}"]`),
    smsButton: form.locator("button.sms-button"),
  };
}

/** The POSTs the page makes, by path. */
function watchPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") {
      posts.push(new URL(request.url()).pathname);
    }
  });
  return posts;
}

/** From the home page through the QQ simulator as 小明 to the bind form. */
async function toBindForm(app: AppServer, page: Page, javaScript: boolean) {
  await page.goto(app.origin + "/");
  if (javaScript) await untilHydrated(page);
  await page.getByRole("link", { name: "QQ登录" }).click();
  await page.getByRole("button", { name: /小明/ }).click();
  await page.waitForURL(app.origin + "/oauth_callback");
  if (javaScript) await untilHydrated(page);
}

for (const mode of DESKTOP_MODES) {
  Deno.test(`a refused bind: reload, Back and Forward post nothing and spend no try of the code (${mode.name})`, async (t) => {
    await using app = await startApp();
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);
    const posts = watchPosts(page);
    const { field, messageOf, smsButton } = bindForm(page);
    await toBindForm(app, page, mode.javaScript);
    await field("mobile").fill(MOBILE);
    if (mode.javaScript) {
      await smsButton.click();
      await page.getByText("短信验证码已发送").waitFor();
    } else {
      await untilNewPage(page, mode, () => smsButton.click());
    }
    const code = await app.readSms(MOBILE);
    const wrong = code === "000000" ? "111111" : "000000";
    let refusedUrl = "";

    await t.step("a wrong code is refused", async () => {
      await field("password").fill(PASSWORD);
      await field("sms_code").fill(wrong);
      await field("allow").check();
      await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
      await messageOf("sms_code").filter({ hasText: "输入短信验证码有误" })
        .waitFor();
      refusedUrl = page.url();
      assert.match(refusedUrl, /\/oauth_callback\?form=[\w-]{22}$/);
    });

    await t.step(
      "five reloads show it again, each a GET, with no question asked",
      async () => {
        const before = posts.length;
        for (let reload = 0; reload < 5; reload++) {
          const response = await page.reload();
          assert.equal(response?.request().method(), "GET");
          assert.equal(response?.status(), 400);
          await messageOf("sms_code").filter({ hasText: "输入短信验证码有误" })
            .waitFor();
          assert.equal(await field("mobile").inputValue(), MOBILE);
        }
        assert.equal(posts.length, before, "nothing was posted again");
      },
    );

    await t.step(
      "Back leaves the refusal, Forward comes back to it: no post either way",
      async () => {
        const before = posts.length;
        // A page restored from the back-forward cache has no response: that is no post either.
        const back = await page.goBack();
        assert.notEqual(back?.request().method(), "POST");
        assert.notEqual(page.url(), refusedUrl);
        const forward = await page.goForward();
        assert.notEqual(forward?.request().method(), "POST");
        assert.equal(page.url(), refusedUrl);
        await messageOf("sms_code").filter({ hasText: "输入短信验证码有误" })
          .waitFor();
        assert.equal(posts.length, before);
      },
    );

    await t.step(
      "the texted code still binds: the reloads spent none of its five tries",
      async () => {
        if (mode.javaScript) await untilHydrated(page);
        await field("password").fill(PASSWORD);
        await field("sms_code").fill(code);
        await field("allow").check();
        await untilNewPage(page, mode, () => field("sms_code").press("Enter"));
        assert.equal(new URL(page.url()).pathname, "/");
        assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
      },
    );
  });
}

Deno.test("the bind form in a second tab, sent after the first tab bound, says the QQ is bound and offers the way on", async () => {
  await using app = await startApp();
  await using browser = await launchChromium();
  const { context, page: first, trouble } = await openPage(browser, MODES[0]);
  await toBindForm(app, first, true);
  const second = await context.newPage();
  await second.goto(app.origin + "/oauth_callback");
  await untilHydrated(second);

  const one = bindForm(first);
  await one.field("mobile").fill(MOBILE);
  await one.smsButton.click();
  await first.getByText("短信验证码已发送").waitFor();
  const code = await app.readSms(MOBILE);
  await one.field("password").fill(PASSWORD);
  await one.field("sms_code").fill(code);
  await one.field("allow").check();
  await untilNewPage(
    first,
    MODES[0],
    () => one.field("sms_code").press("Enter"),
  );
  assert.equal(new URL(first.url()).pathname, "/");

  const two = bindForm(second);
  await two.field("mobile").fill(MOBILE);
  await two.field("password").fill(PASSWORD);
  await two.field("sms_code").fill(code);
  await two.field("allow").check();
  await untilNewPage(
    second,
    MODES[0],
    () => two.form.getByRole("button", { name: "绑定" }).click(),
  );
  await second.getByRole("heading", { name: "绑定成功" }).waitFor();
  assert.match(
    await second.locator("p.lead").textContent() ?? "",
    /您的QQ已绑定美多商城账号 139\*{4}9000/,
  );
  assert.equal(await second.getByText("无效的短信验证码").count(), 0);
  await untilNewPage(
    second,
    MODES[0],
    () => second.getByRole("link", { name: "继续" }).click(),
  );
  assert.equal(new URL(second.url()).pathname, "/");
  assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
});

Deno.test("the image code: large, its message under it, another by keyboard, Enter asks for the SMS, and gone once it is sent", async (t) => {
  await using app = await startApp({ SMS_CAPTCHA: "always" });
  await using browser = await launchChromium();
  const mode = MODES[0];
  const { page, trouble } = await openPage(browser, mode);
  const posts = watchPosts(page);
  const { form, field, messageOf, smsButton } = bindForm(page);
  const image = form.locator('img[alt="图形验证码"]');
  await page.goto(app.origin + "/register");
  await untilHydrated(page);

  await t.step(
    "asked for it: the message stands under the image code, which has the focus",
    async () => {
      await field("mobile").fill(MOBILE);
      await smsButton.click();
      await messageOf("image_code").filter({ hasText: "请输入图形验证码" })
        .waitFor();
      assert.equal(await messageOf("sms_code").count(), 0);
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("name") === "image_code"
      );
      const box = (await image.boundingBox())!;
      assert.ok(box.width >= 200, `the image is ${box.width} px wide`);
    },
  );

  await t.step("看不清，换一张 by keyboard draws another", async () => {
    const before = await imageCodeUuid(image);
    await page.getByRole("button", { name: "看不清，换一张" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (old) => !document.querySelector(`img[src^="/image_codes/${old}"]`),
      before,
    );
  });

  await t.step(
    "a wrong answer and Enter: asked for the SMS, refused under the image code, no form post",
    async () => {
      const shown = await imageCodeUuid(image);
      const text = await app.imageCode(shown);
      await field("image_code").fill(text === "2345" ? "6789" : "2345");
      await field("image_code").press("Enter");
      await messageOf("image_code").filter({ hasText: "输入图形验证码有误" })
        .waitFor();
      assert.deepEqual(posts, ["/sms_codes", "/sms_codes"]);
      assert.equal(new URL(page.url()).pathname, "/register");
    },
  );

  await t.step(
    "the right answer and Enter: the SMS is sent and the image code goes",
    async () => {
      const text = await app.imageCode(await imageCodeUuid(image));
      await field("image_code").fill(text);
      await field("image_code").press("Enter");
      await page.getByText("短信验证码已发送").waitFor();
      assert.equal(await field("image_code").count(), 0);
      assert.equal(app.codesSentTo(MOBILE), 1);
      assert.deepEqual(posts, ["/sms_codes", "/sms_codes", "/sms_codes"]);
      assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
    },
  );
});
