// Only islands ship JavaScript, they hydrate in Chromium under the app's strict CSP, and a CSP breach is seen.
import assert from "node:assert/strict";
import {
  launchChromium,
  MODES,
  openPage,
  scriptNonces,
  strictScriptNonce,
  untilHydrated,
  watchForTrouble,
} from "./_browser.ts";
import { startApp } from "@/tests/_app_server.ts";

Deno.test("the home page's QQ登录 button hydrates under the CSP, and island-free pages ship no script", async (t) => {
  await using app = await startApp();
  await using browser = await launchChromium();
  const { context, page, trouble } = await openPage(browser, MODES[0]);

  await t.step(
    "the home page's policy lets scripts run only by its nonce or from this origin, and every script carries the nonce",
    async () => {
      const response = await page.goto(app.origin + "/");
      const nonce = strictScriptNonce(response);
      const nonces = await scriptNonces(page);
      assert.ok(nonces.length > 0, "the page loads its islands");
      assert.deepEqual(nonces, nonces.map(() => nonce));
    },
  );

  await t.step(
    "clicked, QQ登录 says 正在前往QQ… and refuses a second click",
    async () => {
      const toQq: string[] = [];
      // QQ is answered with 204 No Content: the browser stays on the page, to be looked at.
      await page.route("**/oauth/qq/login?**", (route) => {
        toQq.push(route.request().url());
        return route.fulfill({ status: 204 });
      });
      await untilHydrated(page);
      const button = page.locator("a.button.qq");
      assert.equal(await button.textContent(), "QQ登录");

      await button.click();
      await page.getByRole("link", { name: "正在前往QQ…" }).waitFor();
      assert.equal(await button.getAttribute("aria-disabled"), "true");
      assert.deepEqual(toQq, [`${app.origin}/oauth/qq/login?next=%2F`]);

      // Playwright will not click what is aria-disabled; an impatient user will.
      await button.click({ force: true });
      assert.equal(
        toQq.length,
        1,
        "a second click must not start another login",
      );
      await page.unrouteAll({ behavior: "ignoreErrors" });
    },
  );

  await t.step(
    "a page without islands (the 404 page) ships no script",
    async () => {
      const response = await page.goto(app.origin + "/no-such-page");
      assert.equal(response?.status(), 404);
      assert.equal(await page.locator("h1").textContent(), "页面不存在");
      assert.doesNotMatch(await response!.text(), /<script/i);
    },
  );

  await t.step("no page broke its Content Security Policy or threw", () => {
    assert.deepEqual(trouble.cspViolations, []);
    assert.deepEqual(trouble.scriptErrors, []);
  });

  await t.step(
    "an inline script is refused and reported, so a CSP breach would be seen",
    async () => {
      const probe = await context.newPage();
      const probeTrouble = watchForTrouble(probe);
      await probe.goto(app.origin + "/");
      const refused = probe.waitForEvent(
        "console",
        (message) => message.text().includes("Content Security Policy"),
      );
      const injected = await probe.addScriptTag({
        content: "window.injected = true;",
      }).then(() => "ran", (error) => String(error));
      await refused;
      assert.equal(await probe.evaluate(() => "injected" in window), false);
      assert.ok(
        probeTrouble.cspViolations.some((text) => text.includes("script-src")),
        `addScriptTag: ${injected}; Chromium reported: ${
          JSON.stringify(probeTrouble.cspViolations)
        }`,
      );
      await probe.close();
    },
  );
});

Deno.test("islands hydrate on a page served over plain http from a name, where the browser gives no crypto.randomUUID", async () => {
  await using app = await startApp();
  const port = new URL(app.origin).port;
  // Only localhost and 127.0.0.1 are secure contexts over http: a name for the same server is not.
  await using browser = await launchChromium(Deno.env, [
    "--host-resolver-rules=MAP shop.test 127.0.0.1",
  ]);
  const { page, trouble } = await openPage(browser, MODES[0]);
  await page.route(
    "**/oauth/qq/login?**",
    (route) => route.fulfill({ status: 204 }),
  );

  await page.goto(`http://shop.test:${port}/`);
  await untilHydrated(page);
  assert.equal(await page.evaluate(() => isSecureContext), false);
  assert.equal(
    await page.evaluate(() => typeof crypto.randomUUID),
    "undefined",
  );
  await page.locator("a.button.qq").click();
  await page.getByRole("link", { name: "正在前往QQ…" }).waitFor();
  assert.deepEqual(trouble.scriptErrors, []);
});
