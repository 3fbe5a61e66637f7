// The browser tests' Chromium: the machine's when it has one, else the one inside @sparticuz/chromium.
import assert from "node:assert/strict";
import {
  chooseChromium,
  launchChromium,
  SYSTEM_CHROMIUM,
} from "./_chromium.ts";

const env = (vars: Record<string, string>) => ({
  get: (name: string) => vars[name],
});
const installed = (...paths: string[]) => (path: string) =>
  Promise.resolve(paths.includes(path));

Deno.test("the browser tests take CHROMIUM_PATH, else Debian's Chromium, else the npm package's", async () => {
  assert.deepEqual(
    await chooseChromium(
      env({ CHROMIUM_PATH: "/opt/chrome/chrome" }),
      installed(SYSTEM_CHROMIUM),
    ),
    { source: "CHROMIUM_PATH", path: "/opt/chrome/chrome" },
  );
  assert.deepEqual(
    await chooseChromium(env({}), installed(SYSTEM_CHROMIUM)),
    { source: "system", path: SYSTEM_CHROMIUM },
  );
  assert.deepEqual(await chooseChromium(env({}), installed()), {
    source: "npm",
  });
  assert.deepEqual(
    await chooseChromium(
      env({ CHROMIUM_PATH: "npm" }),
      installed(SYSTEM_CHROMIUM),
    ),
    { source: "npm" },
    "CHROMIUM_PATH=npm forces the package's Chromium where Debian's is installed",
  );
});

Deno.test("the Chromium inside @sparticuz/chromium starts and runs a page's script", async () => {
  await using browser = await launchChromium(env({ CHROMIUM_PATH: "npm" }));
  assert.match(browser.version(), /^\d+\./);
  const page = await browser.newPage();
  await page.setContent(
    `<p id="out">no script</p><script>out.textContent = "绑定 " + (6 * 7)</script>`,
  );
  assert.equal(await page.textContent("#out"), "绑定 42");
});
