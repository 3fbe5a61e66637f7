// Hydration proven in a real browser: the fixture app served on a loopback port, driven by Chromium.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium } from "@/tests/_chromium.ts";
import { start } from "$fresh/server.ts";
import manifest from "@/tests/fresh/fixture/fresh.gen.ts";
import config from "@/tests/fresh/fixture/fresh.config.ts";

/**
 * Clicks until the text changes: clicks before hydration finishes do nothing, by design. The page
 * clicks for itself until then, looking before each click, so the one that counts is the last.
 */
async function clickUntilChanged(page: Page, button: string, watched: string) {
  const before = await page.textContent(watched);
  await page.waitForFunction(
    ([button, watched, before]) => {
      if (document.querySelector(watched)?.textContent !== before) return true;
      document.querySelector<HTMLElement>(button)!.click();
      return false;
    },
    [button, watched, before] as const,
    { polling: 100 },
  );
}

Deno.test({
  name:
    "islands hydrate in Chromium under a strict CSP, and island-free pages load no script",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const browser = await launchChromium();
    const stop = new AbortController();
    const { promise: listening, resolve } = Promise.withResolvers<number>();
    const served = start(manifest, {
      ...config,
      server: {
        port: 0,
        hostname: "127.0.0.1",
        signal: stop.signal,
        onListen: (addr) => resolve(addr.port),
      },
    });
    const origin = `http://127.0.0.1:${await listening}`;
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("response", (response) => {
        if (response.status() >= 400) {
          problems.push(`${response.status()} ${response.url()}`);
        }
      });
      const scripts: string[] = [];
      page.on("request", (request) => {
        if (request.resourceType() === "script") scripts.push(request.url());
      });

      await t.step("a counter island counts on click", async () => {
        const response = await page.goto(origin + "/");
        assert.match(
          response!.headers()["content-security-policy"],
          /script-src 'self'/,
        );
        assert.equal(await page.textContent(".counter output"), "3");
        await clickUntilChanged(page, ".counter button", ".counter output");
        assert.equal(await page.textContent(".counter output"), "4");
        await page.click(".counter button");
        await page.click(".counter button");
        assert.equal(await page.textContent(".counter output"), "6");
        assert.equal(await page.textContent(".counter .label"), "clicks");
        assert.equal(
          await page.locator(".counter").count(),
          1,
          "hydration duplicated the island",
        );
      });
      await t.step(
        "one signal passed to two islands is still one signal",
        async () => {
          assert.equal(await page.textContent(".signal-b"), "b: 1");
          await page.click(".signal-a");
          await page.waitForFunction(() =>
            document.querySelector(".signal-b")?.textContent === "b: 2"
          );
          assert.equal(await page.textContent(".signal-a"), "a: 2");
        },
      );
      await t.step(
        "the markers still surround the live islands, and the CSP was never hit",
        async () => {
          const comments = await page.evaluate(() => {
            const walker = document.createTreeWalker(
              document.body,
              NodeFilter.SHOW_COMMENT,
            );
            const found: string[] = [];
            while (walker.nextNode()) {
              found.push((walker.currentNode as Comment).data);
            }
            return found;
          });
          assert.deepEqual(comments, [
            "frsh:0",
            "/frsh:0",
            "frsh:1",
            "/frsh:1",
            "frsh:2",
            "/frsh:2",
          ]);
          assert.deepEqual(problems, []);
          assert.ok(
            scripts.some((url) => url.endsWith("/lib/fresh/runtime/boot.js")),
            String(scripts),
          );
        },
      );
      await t.step("a page without islands requests no script", async () => {
        scripts.length = 0;
        await page.goto(origin + "/about");
        assert.equal(await page.textContent("p"), "No islands on this page.");
        assert.deepEqual(scripts, []);
      });
    } finally {
      await browser.close();
      stop.abort();
      await served;
    }
  },
});
