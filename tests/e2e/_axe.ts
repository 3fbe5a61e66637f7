// axe-core in Chromium: a page as its user sees it may have no serious or critical WCAG 2.2 AA problem.
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";

/** WCAG 2.0 to 2.2, A and AA, and axe's best practices (landmarks, headings). */
const RULE_TAGS = [
  "wcag2a",
  "wcag2aa",
  "wcag21a",
  "wcag21aa",
  "wcag22aa",
  "best-practice",
];
const BLOCKING = new Set(["serious", "critical"]);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * The serious and critical violations axe finds on `page`, one line each. A page of a context with
 * JavaScript off is audited as a copy: its HTML, scripts left out, loaded at the same URL and size in a
 * context where axe can run (Chromium refuses to evaluate axe in a page with scripts disabled).
 */
export async function accessibilityProblems(
  page: Page,
  { javaScript }: { javaScript: boolean },
): Promise<string[]> {
  if (javaScript) return await runAxe(page);
  const url = page.url();
  const html = (await page.content()).replace(
    /<script\b[^>]*>[\s\S]*?<\/script>/gi,
    "",
  );
  const copy = await auditorPage(page);
  await copy.route(
    (address) => address.href === url,
    (route) =>
      route.fulfill({ contentType: "text/html; charset=utf-8", body: html }),
  );
  try {
    await copy.goto(url);
    return await runAxe(copy);
  } finally {
    await copy.unrouteAll();
  }
}

// One page per browser and size to audit copies in, kept until the browser closes.
const auditors = new WeakMap<Browser, Map<string, Promise<Page>>>();

function auditorPage(page: Page): Promise<Page> {
  const browser = page.context().browser()!;
  const viewport = page.viewportSize();
  const bySize = auditors.get(browser) ?? new Map<string, Promise<Page>>();
  auditors.set(browser, bySize);
  const size = JSON.stringify(viewport);
  let auditor = bySize.get(size);
  if (!auditor) {
    auditor = browser.newContext({ viewport }).then((context) =>
      context.newPage()
    );
    bySize.set(size, auditor);
  }
  return auditor;
}

async function runAxe(page: Page): Promise<string[]> {
  if (!await page.evaluate(() => "axe" in globalThis)) {
    await page.evaluate(axe.source);
  }
  const violations: Violation[] = await page.evaluate(
    (tags) =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }).then((results: { violations: Violation[] }) => results.violations),
    RULE_TAGS,
  );
  return violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map((violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} at ${
        violation.nodes.map((node) => node.target.join(" ")).join(", ")
      }`
    );
}
