// Every page, logged out and in, on a desktop and a phone, with JavaScript on and off: axe finds no
// serious or critical problem, nothing is wider than the screen, the header's links are thumb-sized,
// buttons look like buttons, and the pages around logging in and out offer the way on.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { PRESET_IDENTITIES } from "@/lib/social/providers/qq/simulator.ts";
import { accessibilityProblems } from "./_axe.ts";
import {
  launchChromium,
  type Mode,
  MODES,
  openPage,
  untilHydrated,
  untilNewPage,
} from "./_browser.ts";
import { startShop } from "./_shop.ts";

const LAOZHANG = {
  mobile: "13500135000",
  password: "laozhang2024",
  qq: PRESET_IDENTITIES[2],
};

/** How the pages name 老张: his mobile, masked. */
const MASKED = "135****5000";
/** New to the shop: logs in by SMS code, and is asked for a password and the consent. */
const NEWCOMER = "13600136000";

const LOGGED_OUT_PAGES = [
  "/",
  "/login",
  // 短信验证码登录, the login page's second tab.
  "/login?by=sms",
  "/register",
  "/agreement",
  "/privacy",
  "/password/reset",
  "/logout",
  "/no-such-page",
  // QQ came back with a state this browser never had: 400.
  "/oauth_callback?code=C0DE&state=forged",
  // The bind page with no bind pending: 400.
  "/oauth_callback",
  // The providers' simulators, where a login starts.
  "/oauth/qq/login?next=/",
  "/oauth/wechat/login?next=/",
  "/oauth/weibo/login?next=/",
];

const LOGGED_IN_PAGES = [
  "/",
  "/account",
  "/account/sessions",
  "/account/password",
  "/account/mobile",
  "/account/delete",
  "/account/export",
  "/agreement",
  "/privacy",
  // Unbinding asks first.
  "/account/qq/unbind",
  // The password again, before a connect, an unbind, a mobile change or a deletion.
  "/account/confirm?next=/account/mobile",
  "/logout",
  "/login",
  "/register",
];

/** What must hold on any page as this mode shows it; a list of what doesn't. */
async function layoutProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: globalThis.innerWidth,
  }));
  if (scrollWidth > innerWidth) {
    problems.push(
      `the page is ${scrollWidth} px wide on a ${innerWidth} px screen`,
    );
  }
  for (const target of await page.locator("header a, header button").all()) {
    const box = await target.boundingBox();
    if (box && (box.width < 44 || box.height < 44)) {
      problems.push(
        `header target ${await target
          .textContent()} is ${box.width}×${box.height} px`,
      );
    }
  }
  for (const button of await page.locator("main a.button").all()) {
    const looks = await button.evaluate((element) => {
      const style = getComputedStyle(element);
      return {
        filled: style.backgroundColor !== "rgba(0, 0, 0, 0)" ||
          parseFloat(style.borderTopWidth) > 0,
        height: element.getBoundingClientRect().height,
      };
    });
    if (!looks.filled || looks.height < 36) {
      problems.push(
        `${await button
          .textContent()} renders as a bare link (${looks.height} px)`,
      );
    }
  }
  return problems;
}

async function visit(page: Page, mode: Mode, path: string, origin: string) {
  await page.goto(origin + path);
  if (mode.javaScript) await untilHydrated(page);
  return {
    layout: await layoutProblems(page),
    axe: await accessibilityProblems(page, mode),
  };
}

for (const mode of MODES) {
  Deno.test(`every page reads and fits, logged out and in (${mode.name})`, async (t) => {
    await using app = await startShop([LAOZHANG]);
    await using browser = await launchChromium();
    const { page, trouble } = await openPage(browser, mode);

    for (const path of LOGGED_OUT_PAGES) {
      await t.step(`logged out, ${path}`, async () => {
        assert.deepEqual(await visit(page, mode, path, app.origin), {
          layout: [],
          axe: [],
        });
      });
    }

    await t.step(
      "the sign-up after a new mobile's SMS login, asked and refused, reads and fits",
      async () => {
        await page.goto(app.origin + "/login?by=sms");
        if (mode.javaScript) await untilHydrated(page);
        await page.locator("input[name=mobile]").fill(NEWCOMER);
        const smsButton = page.locator("button.sms-button");
        if (mode.javaScript) await smsButton.click();
        else await untilNewPage(page, mode, () => smsButton.click());
        await page.getByText("短信验证码已发送").waitFor();
        await page.locator("input[name=sms_code]").fill(
          await app.readSms(NEWCOMER),
        );
        await untilNewPage(
          page,
          mode,
          () => page.locator("input[name=sms_code]").press("Enter"),
        );
        assert.equal(new URL(page.url()).pathname, "/register");
        const audit = async () => ({
          layout: await layoutProblems(page),
          axe: await accessibilityProblems(page, mode),
        });
        assert.deepEqual(await audit(), { layout: [], axe: [] });
        await page.locator("input[name=password]").fill("newcomer2024");
        await untilNewPage(
          page,
          mode,
          () => page.locator("input[name=password]").press("Enter"),
        );
        await page.getByText("请勾选用户协议").waitFor();
        assert.deepEqual(await audit(), { layout: [], axe: [] });
      },
    );

    await t.step(
      "GET /logout logged out: the page has the logout button, not a 405",
      async () => {
        const response = await page.goto(app.origin + "/logout");
        assert.equal(response?.status(), 200);
        await page.getByRole("button", { name: "退出登录" }).waitFor();
        assert.equal(await page.locator("p.who").textContent(), "您尚未登录。");
      },
    );

    await t.step("a refused login is shown, and passes axe", async () => {
      await page.goto(app.origin + "/login");
      await page.locator("input[name=username]").fill(LAOZHANG.mobile);
      await page.locator("input[name=password]").fill("wrongpass1");
      await untilNewPage(
        page,
        mode,
        () => page.locator("input[name=password]").press("Enter"),
      );
      await page.getByText("用户名或密码错误").waitFor();
      assert.deepEqual(await accessibilityProblems(page, mode), []);
    });

    await t.step("logging in with the password", async () => {
      await page.locator("input[name=username]").fill(LAOZHANG.mobile);
      await page.locator("input[name=password]").fill(LAOZHANG.password);
      await untilNewPage(
        page,
        mode,
        () => page.locator("input[name=password]").press("Enter"),
      );
      assert.equal(new URL(page.url()).pathname, "/");
    });

    for (const path of LOGGED_IN_PAGES) {
      await t.step(`logged in, ${path}`, async () => {
        assert.deepEqual(await visit(page, mode, path, app.origin), {
          layout: [],
          axe: [],
        });
      });
    }

    for (const path of ["/login", "/register"]) {
      await t.step(
        `${path} while logged in says so, and 我的账户 leads on`,
        async () => {
          await page.goto(app.origin + path);
          assert.equal(await page.locator("h1").textContent(), "您已登录");
          assert.match(
            await page.locator("p.who").textContent() ?? "",
            new RegExp(`^当前登录：${MASKED.replaceAll("*", "\\*")}。`),
          );
          await untilNewPage(
            page,
            mode,
            () =>
              page.locator("main").getByRole("link", { name: "我的账户" })
                .click(),
          );
          assert.equal(new URL(page.url()).pathname, "/account");
        },
      );
    }

    await t.step(
      "GET /logout logged in names the user, and its button logs out",
      async () => {
        await page.goto(app.origin + "/logout");
        assert.equal(
          await page.locator("p.who").textContent(),
          `当前登录：${MASKED}`,
        );
        await untilNewPage(
          page,
          mode,
          () =>
            page.locator("main").getByRole("button", { name: "退出登录" })
              .click(),
        );
        assert.equal(new URL(page.url()).pathname, "/");
        assert.equal(await page.locator("p.who").textContent(), "您尚未登录。");
      },
    );

    await t.step("no page broke its CSP or threw", () => {
      assert.deepEqual(trouble.cspViolations, []);
      assert.deepEqual(trouble.scriptErrors, []);
    });
  });
}
