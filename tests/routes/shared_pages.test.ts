// Logged-out pages are rendered once and shared (lib/http/shared_pages.ts): what one visitor's page
// carries of them (a login, a pending bind, an image code) must never reach another.
import { doesNotMatch, equal, match, ok } from "node:assert/strict";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { consentedIn, type TestApp, testApp } from "@/tests/_app.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import {
  anotherBrowser,
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const MOBILE = "13800138000";
const PASSWORD = "secret123";
/** The member's name as pages show it: the mobile, masked. */
const SHOWN = new RegExp(maskMobile(MOBILE).replaceAll("*", "\\*"));
const PAGES = ["/", "/login", "/register", "/password/reset"];

async function withAccount(): Promise<TestApp> {
  const app = await testApp();
  const hash = await app.passwords.hash(PASSWORD);
  const user = newUser(MOBILE, hash, app.now());
  await consentedIn(createUserIn(app.kv.atomic(), user), user.id).commit();
  return app;
}

/** A page as a visitor gets it: its text, and the nonce of its policy, which every script must carry. */
async function visit(browser: TestBrowser, path: string) {
  const response = await browser.get(path);
  equal(response.status, 200, path);
  const html = await response.text();
  const csp = response.headers.get("content-security-policy") ?? "";
  const nonce = csp.match(/'nonce-([0-9a-f]{32})'/)?.[1];
  ok(nonce, `${path}: no nonce in ${csp}`);
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag)
    .filter((tag) => !tag.includes('type="application/json"'));
  for (const tag of scripts) {
    ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag} lacks ${nonce}`);
  }
  return { html, nonce, scripts: scripts.length, response };
}

/** Logs `browser` in with the password; its cookie now names the account. */
async function logIn(browser: TestBrowser) {
  const response = await browser.post("/login", {
    username: MOBILE,
    password: PASSWORD,
  });
  equal(response.status, 303);
  await response.body?.cancel();
}

Deno.test("a logged-out page is the same for everyone but its nonce, new in every answer", async (t) => {
  const app = await testApp();
  const visitor = await testBrowser(app);

  for (const path of PAGES) {
    await t.step(
      `${path}: each answer's scripts carry that answer's nonce`,
      async () => {
        const seen = [];
        for (let i = 0; i < 5; i++) seen.push(await visit(visitor, path));
        equal(new Set(seen.map(({ nonce }) => nonce)).size, seen.length);
        const [first, ...rest] = seen.map(({ html, nonce }) =>
          html.replaceAll(nonce, "NONCE")
        );
        for (const html of rest) equal(html, first);
        if (path !== "/") ok(seen[4].scripts > 0, `${path} loads its islands`);
        // No other header names the nonce, and the rest are as the first answer had them.
        const headers = (response: Response) =>
          [...response.headers].filter(([name]) =>
            name !== "content-security-policy"
          );
        equal(
          JSON.stringify(headers(seen[4].response)),
          JSON.stringify(headers(seen[0].response)),
        );
      },
    );
  }

  await t.step("the query is the page's: each next is its own", async () => {
    for (const next of ["/account", "/account/password", "/account"]) {
      for (let i = 0; i < 3; i++) {
        const { html } = await visit(visitor, `/login?next=${next}`);
        match(html, new RegExp(`next=${encodeURIComponent(next)}"`));
        const other = next === "/account" ? "/account/password" : "/account";
        doesNotMatch(html, new RegExp(`next=${encodeURIComponent(other)}"`));
      }
    }
  });
  app.close();
});

Deno.test("a logged-in visitor's page never reaches another, nor another's theirs", async (t) => {
  const app = await withAccount();
  const stranger = await testBrowser(app);
  const member = await anotherBrowser();
  await logIn(member);

  for (const path of PAGES.slice(0, 3)) {
    await t.step(path, async () => {
      // The member's page twice over, as a logged-out one is before it is shared: it never is.
      for (let i = 0; i < 2; i++) {
        match((await visit(member, path)).html, SHOWN);
      }
      for (let i = 0; i < 3; i++) {
        const mine = await visit(stranger, path);
        doesNotMatch(mine.html, SHOWN);
        match(mine.html, /href="\/login"/);
      }
      // And the stranger's page, shared by now, is not the member's.
      const theirs = await visit(member, path);
      match(theirs.html, SHOWN);
      doesNotMatch(theirs.html, /href="\/login"/);
    });
  }
  app.close();
});

Deno.test("a pending bind's page never reaches another visitor", async () => {
  const app = await testApp();
  const stranger = await testBrowser(app);
  const binding = await anotherBrowser();
  const bindPage = await binding.qqLogin(XIAOMING);
  equal(bindPage.status, 200);
  const token = bindTokenIn(await bindPage.text());

  for (let i = 0; i < 3; i++) {
    for (const path of PAGES) {
      const theirs = await visit(binding, path);
      doesNotMatch(theirs.html, new RegExp(token.slice(0, 24)));
      const mine = await visit(stranger, path);
      doesNotMatch(mine.html, new RegExp(XIAOMING.nickname));
      doesNotMatch(mine.html, new RegExp(token.slice(0, 24)));
    }
    // The bind page itself goes on carrying this browser's own token.
    const bind = await binding.get("/oauth_callback");
    equal(bindTokenIn(await bind.text()), token);
  }
  app.close();
});

Deno.test("an image code asked of one visitor is never shown to another", async () => {
  const app = await withAccount();
  const stranger = await testBrowser(app);
  const guesser = await anotherBrowser();
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
    const wrong = await guesser.post("/login", {
      username: MOBILE,
      password: `guess${i}`,
    }, { "x-forwarded-for": `10.0.0.${i}` });
    await wrong.body?.cancel();
  }
  const uuids = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const asked = await guesser.post("/login", {
      username: MOBILE,
      password: PASSWORD,
    });
    equal(asked.status, 400);
    const uuid = (await asked.text()).match(/name="uuid" value="([^"]+)"/)
      ?.[1];
    ok(uuid, "the login form asks for an image code");
    uuids.add(uuid);
    const { html } = await visit(stranger, "/login");
    doesNotMatch(html, /name="uuid"/);
    for (const shown of uuids) ok(!html.includes(shown));
  }
  // Each refused post draws an image of its own.
  equal(uuids.size, 4);
  app.close();
});
