// 小李 registers from a browser whose address already had an SMS code this hour: the form asks for the
// image code first, with JavaScript on and with it off.
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import {
  BROWSER_WAIT_MS,
  imageCodeUuid,
  launchChromium,
  untilHydrated,
  VIEWPORT,
  watchForTrouble,
} from "./_browser.ts";
import { type AppServer, startApp } from "@/tests/_app_server.ts";

const FIRST = "13700137001";
const MOBILE = "13700137002";
const PASSWORD = "xiaoli2024";

function registerForm(page: Page) {
  const form = page.locator("form.account-form");
  return {
    form,
    field: (name: string) => form.locator(`input[name=${name}]`),
    image: form.locator('img[alt="图形验证码"]'),
    smsButton: form.getByRole("button", { name: "获取短信验证码" }),
    // The image code's refusals stand under it, the field to fix.
    error: form.locator('p.error[data-field="image_code"]'),
  };
}

/**
 * The image has loaded and shows a picture (an SVG the browser could draw). Polled from here rather than
 * awaited with onload: with JavaScript off the page runs no handlers, so an image still loading would
 * never report back. `complete` turns true once the image has loaded or failed, so the wait ends.
 */
async function assertDrawn(image: Locator) {
  await image.waitFor();
  const state = () =>
    image.evaluate((img) => ({
      complete: (img as HTMLImageElement).complete,
      width: (img as HTMLImageElement).naturalWidth,
    }));
  let drawn = await state();
  while (!drawn.complete) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    drawn = await state();
  }
  assert.ok(drawn.width > 0, "the image code did not load");
}

/** This browser's address is sent a first code, which needs no image code. */
async function sendFirstCode(app: AppServer) {
  const sent = await fetch(`${app.origin}/sms_codes/${FIRST}`, {
    method: "POST",
  });
  assert.equal(sent.status, 200, await sent.text());
  await app.readSms(FIRST);
}

Deno.test("with JavaScript, 小李 is asked for the image code, draws a new one, and gets the SMS", async (t) => {
  await using app = await startApp();
  await sendFirstCode(app);
  await using browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const trouble = watchForTrouble(page);
  const { field, image, smsButton, error } = registerForm(page);

  await t.step(
    "the form shows no image code until the server asks",
    async () => {
      await page.goto(`${app.origin}/register`);
      await untilHydrated(page);
      assert.equal(await image.count(), 0);
      await field("mobile").fill(MOBILE);
      await smsButton.click();
      await error.filter({ hasText: "请输入图形验证码" }).waitFor();
      await assertDrawn(image);
      assert.equal(app.codesSentTo(MOBILE), 0);
      await assertFocused(page, "image_code");
    },
  );

  await t.step("看不清，换一张 draws another", async () => {
    const before = await imageCodeUuid(image);
    await page.getByRole("button", { name: "看不清，换一张" }).click();
    await page.waitForFunction(
      (old) => !document.querySelector(`img[src^="/image_codes/${old}"]`),
      before,
    );
    assert.notEqual(await imageCodeUuid(image), before);
    await assertDrawn(image);
  });

  await t.step("a wrong answer is told so, and a new image comes", async () => {
    const shown = await imageCodeUuid(image);
    const text = await app.imageCode(shown);
    await field("image_code").fill(text === "2345" ? "6789" : "2345");
    await smsButton.click();
    await error.filter({ hasText: "输入图形验证码有误" }).waitFor();
    assert.notEqual(await imageCodeUuid(image), shown);
    assert.equal(await field("image_code").inputValue(), "");
    await assertFocused(page, "image_code");
  });

  await t.step(
    "the right answer, in small letters, sends the SMS",
    async () => {
      await assertDrawn(image);
      const text = await app.imageCode(await imageCodeUuid(image));
      await field("image_code").fill(text.toLowerCase());
      await smsButton.click();
      await page.getByText("短信验证码已发送").waitFor();
      await form(page).locator("button.sms-button", {
        hasText: /秒后可重新获取/,
      })
        .waitFor();
    },
  );

  await t.step("and the code registers 小李", async () => {
    await field("password").fill(PASSWORD);
    await field("sms_code").fill(await app.readSms(MOBILE));
    await field("allow").check();
    await page.getByRole("button", { name: "注册" }).click();
    await page.waitForURL(`${app.origin}/`);
    assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
  });
});

Deno.test("with JavaScript off, the server shows the image code in the form and sends the SMS once it is solved", async (t) => {
  await using app = await startApp();
  await sendFirstCode(app);
  await using browser = await launchChromium();
  const context = await browser.newContext({
    viewport: VIEWPORT,
    javaScriptEnabled: false,
  });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const trouble = watchForTrouble(page);
  const { field, image, smsButton, error } = registerForm(page);

  await t.step(
    "获取短信验证码 comes back with the image and its field",
    async () => {
      await page.goto(`${app.origin}/register`);
      await field("mobile").fill(MOBILE);
      await smsButton.click();
      await error.filter({ hasText: "请输入图形验证码" }).waitFor();
      await assertDrawn(image);
      assert.equal(
        await field("uuid").inputValue(),
        await imageCodeUuid(image),
      );
      assert.equal(await field("mobile").inputValue(), MOBILE);
      await assertFocused(page, "image_code");
      assert.equal(
        await page.getByRole("button", { name: "看不清，换一张" }).count(),
        0,
        "no button that needs JavaScript",
      );
    },
  );

  await t.step("a wrong answer brings a new image", async () => {
    const shown = await imageCodeUuid(image);
    const text = await app.imageCode(shown);
    await field("image_code").fill(text === "2345" ? "6789" : "2345");
    await smsButton.click();
    await error.filter({ hasText: "输入图形验证码有误" }).waitFor();
    assert.notEqual(await imageCodeUuid(image), shown);
    await assertFocused(page, "image_code");
  });

  await t.step(
    "the right one sends the SMS, and the code registers",
    async () => {
      await assertDrawn(image);
      await field("image_code").fill(
        await app.imageCode(await imageCodeUuid(image)),
      );
      await smsButton.click();
      await page.getByText("短信验证码已发送").waitFor();
      await field("password").fill(PASSWORD);
      await field("sms_code").fill(await app.readSms(MOBILE));
      await field("allow").check();
      await page.getByRole("button", { name: "注册" }).click();
      await page.waitForURL(`${app.origin}/`);
      assert.deepEqual(trouble, { cspViolations: [], scriptErrors: [] });
    },
  );
});

const form = (page: Page) => page.locator("form.account-form");

/** The image code is what the ask was refused for: its field has the focus, ready for the answer. */
async function assertFocused(page: Page, name: string) {
  await page.waitForFunction(
    (name) => document.activeElement?.getAttribute("name") === name,
    name,
  );
}
