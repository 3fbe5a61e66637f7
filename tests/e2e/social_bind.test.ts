// WeChat and Weibo users bind through their simulators in Chromium, the bind page survives a reload
// and says 绑定成功 once bound, and two QQ logins started in two tabs of one browser both finish.
import assert from "node:assert/strict";
import { maskMobile } from "@/lib/core/mask.ts";
import type { BrowserContext, Page } from "playwright-core";
import {
  BROWSER_WAIT_MS,
  launchChromium,
  untilHydrated,
  VIEWPORT,
  watchForTrouble,
} from "./_browser.ts";
import { type AppServer, startApp } from "@/tests/_app_server.ts";

const PASSWORD = "binding2024";

const STORIES = [
  {
    id: "wechat",
    name: "微信",
    callback: "/oauth/wechat/callback",
    page: "**/dev/wechat/connect/qrconnect?**",
    who: "微信小明",
    mobile: "13500135001",
  },
  {
    id: "weibo",
    name: "微博",
    callback: "/oauth/weibo/callback",
    page: "**/dev/weibo/oauth2/authorize?**",
    who: "微博小明",
    mobile: "13500135002",
  },
];

let addresses = 0;
/** A page of its own client address (TRUST_PROXY is on), so its SMS is no other page's repeat. */
async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({
    "x-forwarded-for": `198.51.100.${++addresses}`,
  });
  return page;
}

/** Fills the bind form of `page` for `mobile`, asking for the code with the form's own button. */
async function bind(app: AppServer, page: Page, mobile: string) {
  const form = page.locator("form.account-form");
  await form.locator("input[name=mobile]").fill(mobile);
  await form.locator("input[name=password]").fill(PASSWORD);
  await form.locator("button.sms-button").click();
  await page.getByText("短信验证码已发送").waitFor();
  await form.locator("input[name=sms_code]").fill(await app.readSms(mobile));
  await form.locator("input[name=allow]").check();
  await form.getByRole("button", { name: "绑定" }).click();
}

for (const story of STORIES) {
  Deno.test(`a ${story.name} user binds a new mobile through the ${story.name} simulator`, async (t) => {
    await using app = await startApp();
    await using browser = await launchChromium();
    const context = await browser.newContext({ viewport: VIEWPORT });
    context.setDefaultTimeout(BROWSER_WAIT_MS);
    const page = await newPage(context);
    const trouble = watchForTrouble(page);
    const calls: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith("/dev/")) calls.push(url.pathname);
    });

    await t.step(
      `${story.name}登录 on the login page opens the simulator`,
      async () => {
        await page.goto(app.origin + "/login");
        await untilHydrated(page);
        await page.getByRole("link", { name: `${story.name}登录` }).click();
        await page.waitForURL(story.page);
        assert.equal(
          await page.locator("h1").textContent(),
          `${story.name}登录`,
        );
        if (story.id === "wechat") {
          assert.ok(
            await page.getByRole("img", { name: "模拟的微信登录二维码" })
              .isVisible(),
            "a QR code to scan, as on WeChat's own page",
          );
        }
      },
    );

    await t.step(
      "picking the user comes back, through a 303, to the bind page without the code",
      async () => {
        await page.getByRole("button", { name: new RegExp(story.who) }).click();
        await page.waitForURL(app.origin + story.callback);
        assert.equal(
          await page.locator("h1").textContent(),
          "绑定美多商城账号",
        );
        assert.match(
          await page.locator("p.lead").textContent() ?? "",
          new RegExp(`^${story.who}，您已通过${story.name}登录`),
        );
      },
    );

    await t.step(
      "reloading shows the same form again, with no new login",
      async () => {
        const token = await page.locator("input[name=access_token]")
          .inputValue();
        calls.length = 0;
        await page.reload();
        await untilHydrated(page);
        assert.equal(
          await page.locator("h1").textContent(),
          "绑定美多商城账号",
        );
        assert.equal(
          await page.locator("input[name=access_token]").inputValue(),
          token,
        );
        assert.deepEqual(calls, [], "the simulator was not asked again");
      },
    );

    await t.step("binding logs in and lands on next", async () => {
      await bind(app, page, story.mobile);
      await page.waitForURL(app.origin + "/");
      assert.equal(
        await page.locator("h1").textContent(),
        `欢迎您，${maskMobile(story.mobile)}`,
      );
    });

    await t.step(
      "back on the bind page, it says the account is bound",
      async () => {
        await page.goBack();
        await page.waitForURL(app.origin + story.callback);
        assert.equal(await page.locator("h1").textContent(), "绑定成功");
        assert.match(
          await page.locator("p.lead").textContent() ?? "",
          new RegExp(maskMobile(story.mobile).replaceAll("*", "\\*")),
        );
        await page.getByRole("link", { name: "继续" }).click();
        await page.waitForURL(app.origin + "/");
      },
    );

    await t.step(
      `the account page shows the ${story.name} binding`,
      async () => {
        await page.goto(app.origin + "/account");
        assert.match(
          await page.locator(`[data-field="${story.id}"]`).textContent() ?? "",
          new RegExp(`^已绑定（${story.who}）`),
        );
      },
    );

    await t.step("no page broke its Content Security Policy or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });
}

Deno.test("two QQ logins started in two tabs of one browser both bind", async () => {
  await using app = await startApp();
  await using browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const [first, second] = [await newPage(context), await newPage(context)];
  // Both tabs set off to QQ before either comes back.
  for (const tab of [first, second]) {
    await tab.goto(app.origin + "/");
    await untilHydrated(tab);
    await tab.getByRole("link", { name: "QQ登录" }).click();
    await tab.waitForURL("**/dev/qq/oauth2.0/authorize?**");
  }
  await first.getByRole("button", { name: /小明/ }).click();
  await first.waitForURL(app.origin + "/oauth_callback");
  await second.getByRole("button", { name: /小红/ }).click();
  await second.waitForURL(app.origin + "/oauth_callback");
  assert.match(await first.locator("p.lead").textContent() ?? "", /^小明，/);
  assert.match(await second.locator("p.lead").textContent() ?? "", /^小红，/);

  await untilHydrated(first);
  await bind(app, first, "13500135011");
  await first.waitForURL(app.origin + "/");
  await untilHydrated(second);
  await bind(app, second, "13500135012");
  await second.waitForURL(app.origin + "/");

  // Each QQ is bound to its own account: log in with each and look.
  for (
    const [who, mobile] of [["小明", "13500135011"], ["小红", "13500135012"]]
  ) {
    const other = await browser.newContext({ viewport: VIEWPORT });
    const page = await other.newPage();
    await page.goto(app.origin + "/");
    await untilHydrated(page);
    await page.getByRole("link", { name: "QQ登录" }).click();
    await page.getByRole("button", { name: new RegExp(who) }).click();
    await page.getByRole("heading", { name: `欢迎您，${maskMobile(mobile)}` })
      .waitFor();
    await other.close();
  }
});
