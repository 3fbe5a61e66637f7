// Browser-test helpers over tests/_chromium.ts's launcher.
import assert from "node:assert/strict";
import type { Browser, Locator, Page, Response } from "playwright-core";
export { launchChromium } from "@/tests/_chromium.ts";

/**
 * How long one browser wait (a URL, a text, an element to click) may take before the test fails. Each
 * waits on its condition, so this only ends a wait for something that never comes: it is generous
 * because a machine busy with other work takes several seconds over what takes a fraction of one idle.
 */
export const BROWSER_WAIT_MS = 60_000;

/** One size for every page, so the screenshots in docs/ stay comparable from run to run. */
export const VIEWPORT = { width: 800, height: 900 };
/** A phone held upright (an iPhone 12 to 14's CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/** How people reach the pages: desktop and phone, each with JavaScript on and off. */
export interface Mode {
  name: string;
  viewport: { width: number; height: number };
  javaScript: boolean;
}

export const MODES: readonly Mode[] = [
  { name: "desktop", viewport: VIEWPORT, javaScript: true },
  { name: "desktop, JavaScript off", viewport: VIEWPORT, javaScript: false },
  { name: "phone", viewport: PHONE, javaScript: true },
  { name: "phone, JavaScript off", viewport: PHONE, javaScript: false },
];

/** A page in a new context of `browser` as `mode` says; its trouble watched. */
export async function openPage(browser: Browser, mode: Mode) {
  const context = await browser.newContext({
    viewport: mode.viewport,
    javaScriptEnabled: mode.javaScript,
  });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  return { context, page, trouble: watchForTrouble(page) };
}

/**
 * Runs `act`, which makes the page load a new document (a form post, a link), and waits for that
 * document, hydrated when JavaScript is on: a re-rendered form looks like the one before it.
 */
export async function untilNewPage(
  page: Page,
  mode: Mode,
  act: () => Promise<unknown>,
) {
  const navigated = page.waitForEvent(
    "framenavigated",
    (frame) => frame === page.mainFrame(),
  );
  await act();
  await navigated;
  await page.waitForLoadState("load");
  if (mode.javaScript) await untilHydrated(page);
}

/** What must never happen while a user goes through the app, as the page reports it. */
export interface PageTrouble {
  /** Console messages of Chromium refusing something under the Content Security Policy. */
  cspViolations: string[];
  /** Uncaught exceptions in the page's scripts. */
  scriptErrors: string[];
}

export function watchForTrouble(page: Page): PageTrouble {
  const trouble: PageTrouble = { cspViolations: [], scriptErrors: [] };
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) {
      trouble.cspViolations.push(message.text());
    }
  });
  page.on("pageerror", (error) => trouble.scriptErrors.push(String(error)));
  return trouble;
}

/**
 * Asserts that the page's Content-Security-Policy runs scripts only by a nonce or from this origin
 * (script-src, or default-src without one: never 'unsafe-inline' or 'unsafe-eval'), and returns the nonce.
 */
export function strictScriptNonce(response: Response | null): string {
  const header = response?.headers()["content-security-policy"];
  assert.ok(header, `no Content-Security-Policy on ${response?.url()}`);
  const directives = new Map(
    header.split(";").map((part) => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
  const sources = directives.get("script-src") ?? directives.get("default-src");
  assert.ok(sources, `neither script-src nor default-src in ${header}`);
  assert.deepEqual(
    sources.filter((source) => /^'unsafe-(inline|eval)'$|^\*$/.test(source)),
    [],
    header,
  );
  const nonce = sources.find((source) => source.startsWith("'nonce-"));
  assert.ok(nonce, `script-src has no nonce: ${header}`);
  return nonce.slice("'nonce-".length, -1);
}

/** The nonce of every script on the page that the browser would run (JSON data is not run). */
export function scriptNonces(page: Page): Promise<string[]> {
  return page.locator('script:not([type="application/json"])').evaluateAll(
    (scripts) => scripts.map((script) => (script as HTMLScriptElement).nonce),
  );
}

/**
 * Waits until the islands' code has loaded and run. Hydration leaves no mark on every island, but the
 * boot script hydrates as soon as the island chunks arrive, so a quiet network means it is done.
 */
export async function untilHydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

/**
 * Where the screenshots go: docs/, the README's pictures, with `deno task screenshots`
 * (DOCS_SCREENSHOTS=1); otherwise a folder of the system's temporary one, to be looked at, so that
 * a test run leaves the working tree as it was.
 */
const SCREENSHOTS = Deno.env.get("DOCS_SCREENSHOTS") === "1"
  ? new URL("../../docs/", import.meta.url).pathname
  : `${Deno.env.get("TMPDIR") || "/tmp"}/shop-screenshots/`;

/**
 * Saves what the user sees as <name> (see SCREENSHOTS), and says so. Without a Chinese font
 * Chromium leaves every Chinese character out, so then the file is left as it was, and the log says why.
 */
export async function screenshotForDocs(page: Page, name: string) {
  if (!await drawsChinese(page)) {
    console.warn(
      `${name} not refreshed: this Chromium has no Chinese font (apt-get install -y fonts-noto-cjk)`,
    );
    return;
  }
  const path = SCREENSHOTS + name;
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path });
  console.log(`${path} refreshed`);
}

/** Asks the browser itself: a Chinese character draws differently from one no font has. */
function drawsChinese(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const pixels = (text: string) => {
      const context = new OffscreenCanvas(64, 64).getContext("2d")!;
      context.font = "48px sans-serif";
      context.fillText(text, 0, 48);
      return context.getImageData(0, 0, 64, 64).data.join();
    };
    return pixels("绑") !== pixels("\u{10FFFD}");
  });
}

/** The uuid an image was drawn for, from its address. */
export async function imageCodeUuid(image: Locator): Promise<string> {
  const src = await image.getAttribute("src") ?? "";
  // Fresh 1.7.3 adds its build id to an <img src> on the site, as it does for asset() URLs.
  const uuid = src.match(/^\/image_codes\/([0-9a-f-]{36})(\?__frsh_c=\w+)?$/)
    ?.[1];
  assert.ok(uuid, `the image's src is ${src}`);
  return uuid;
}
