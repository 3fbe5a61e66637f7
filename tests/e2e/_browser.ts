// Debian's Chromium, driven by playwright-core; never a downloaded browser.
import type { Page } from "playwright-core";
export { launchChromium } from "@/tests/_chromium.ts";

/** One size for every page, so the screenshots in docs/ stay comparable from run to run. */
export const VIEWPORT = { width: 800, height: 900 };

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
 * Waits until the islands' code has loaded and run. Hydration leaves no mark on every island, but the
 * boot script hydrates as soon as the island chunks arrive, so a quiet network means it is done.
 */
export async function untilHydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

/**
 * Saves what the user sees as docs/<name>, the README's pictures. Without a Chinese font Chromium draws
 * every character as an empty box, so then the file is left as it was, and the log says why.
 */
export async function screenshotForDocs(page: Page, name: string) {
  if (!await hasChineseFont()) {
    console.warn(
      `docs/${name} not updated: no Chinese font (apt-get install -y fonts-noto-cjk)`,
    );
    return;
  }
  const path = new URL(`../../docs/${name}`, import.meta.url).pathname;
  await page.screenshot({ path });
}

let chineseFont: Promise<boolean> | undefined;
function hasChineseFont(): Promise<boolean> {
  return chineseFont ??= new Deno.Command("fc-list", {
    args: [":lang=zh", "family"],
    stdout: "piped",
    stderr: "null",
  }).output().then(
    ({ stdout }) => new TextDecoder().decode(stdout).trim() !== "",
    () => false,
  );
}
