import { deepEqual, equal, match, ok } from "node:assert/strict";
import { readConfig } from "@/lib/app/app.ts";
import {
  finishOAuthState,
  OAUTH_STATE_TTL_MS,
  OAUTH_STATES_PER_BROWSER,
  OAUTH_STATES_PER_CLIENT,
  startOAuthState,
} from "@/lib/social/states.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { listKv, PRODUCTION_ENV, START } from "@/tests/_app.ts";

/** A browser's side of the state: the cookies it was given, sent back on the callback. */
class Jar {
  cookies = new Map<string, string>();

  take(headers: Headers) {
    for (const cookie of headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const name = pair.slice(0, pair.indexOf("="));
      if (/Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf("=") + 1));
    }
  }

  request(): Request {
    const cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
    return new Request("http://localhost/oauth_callback", {
      headers: cookie ? { cookie } : {},
    });
  }
}

async function stateApp(env: Record<string, string> = {}) {
  const kv = await Deno.openKv(":memory:");
  const clock = { now: START };
  const config = readConfig({ SECRET_KEY: "k".repeat(32), ...env });
  return {
    app: { kv, now: () => clock.now, config },
    clock,
    [Symbol.dispose]: () => kv.close(),
  };
}

async function startAs(
  app: Awaited<ReturnType<typeof stateApp>>["app"],
  jar: Jar,
  provider: string,
  next = "/",
  clientAddress = "203.0.113.7",
) {
  const headers = new Headers();
  const state = await startOAuthState(app, jar.request(), headers, {
    provider,
    next,
    clientAddress,
  });
  jar.take(headers);
  return { state, headers };
}

async function finishAs(
  app: Awaited<ReturnType<typeof stateApp>>["app"],
  jar: Jar,
  state: string | null,
  provider: string,
) {
  const headers = new Headers();
  const result = await finishOAuthState(
    app,
    jar.request(),
    headers,
    provider,
    state,
  );
  jar.take(headers);
  return result;
}

// The same state, whichever provider the login is with.
for (const { id: provider } of PROVIDERS) stateStories(provider);

function stateStories(provider: string) {
  const other = PROVIDERS.find(({ id }) => id !== provider)!.id;
  const start = (
    app: Awaited<ReturnType<typeof stateApp>>["app"],
    jar: Jar,
    next = "/",
  ) => startAs(app, jar, provider, next);
  const finish = (
    app: Awaited<ReturnType<typeof stateApp>>["app"],
    jar: Jar,
    state: string | null,
    at = provider,
  ) => finishAs(app, jar, state, at);

  Deno.test(`OAuth state (${provider})`, async (t) => {
    using setup = await stateApp();
    const { app, clock } = setup;

    await t.step(
      "is 128 random bits in an HttpOnly cookie, and brings back next once",
      async () => {
        const jar = new Jar();
        const { state, headers } = await start(app, jar, "/account");
        equal(state.length, 22);
        const cookie = headers.getSetCookie()[0];
        match(
          cookie,
          new RegExp(`^oauth_state_${state.slice(0, 8)}=${state};`),
        );
        match(cookie, /HttpOnly/);
        match(cookie, /Path=\//);
        match(cookie, /Max-Age=600/);
        clock.now += 1000;
        deepEqual(
          await finish(app, jar, state),
          { next: "/account", startedAt: clock.now - 1000 },
          "where it was going, and when it started",
        );
        equal(jar.cookies.size, 0, "the callback forgets the cookie");
        const replay = new Jar();
        replay.cookies.set(`oauth_state_${state.slice(0, 8)}`, state);
        equal(await finish(app, replay, state), null, "a replayed state fails");
      },
    );

    await t.step(
      "from another browser (no cookie or another cookie) is refused",
      async () => {
        const mine = new Jar();
        const { state } = await start(app, mine);
        equal(await finish(app, new Jar(), state), null);
        const forged = new Jar();
        forged.cookies.set(`oauth_state_${state.slice(0, 8)}`, "x".repeat(22));
        equal(await finish(app, forged, state), null);
        deepEqual(
          await finish(app, mine, state),
          { next: "/", startedAt: clock.now },
          "still good for its own browser",
        );
      },
    );

    await t.step(
      "two logins started in two tabs of one browser both finish",
      async () => {
        const browser = new Jar();
        const first = await start(app, browser, "/one");
        const second = await start(app, browser, "/two");
        equal(browser.cookies.size, 2);
        deepEqual(await finish(app, browser, second.state), {
          next: "/two",
          startedAt: clock.now,
        });
        deepEqual(await finish(app, browser, first.state), {
          next: "/one",
          startedAt: clock.now,
        });
      },
    );

    await t.step("a state is good only at its own provider", async () => {
      const jar = new Jar();
      const { state } = await start(app, jar);
      const copy = new Jar();
      copy.cookies = new Map(jar.cookies);
      equal(await finish(app, copy, state, other), null);
      deepEqual(await finish(app, jar, state), {
        next: "/",
        startedAt: clock.now,
      });
    });

    await t.step(
      "unknown, malformed or expired states are refused",
      async () => {
        const jar = new Jar();
        jar.cookies.set("oauth_state_made-up-", "made-up-state-value-xx");
        equal(await finish(app, jar, "made-up-state-value-xx"), null);
        equal(await finish(app, jar, null), null);
        equal(await finish(app, jar, "x".repeat(5000)), null);
        const { state } = await start(app, jar);
        clock.now += OAUTH_STATE_TTL_MS;
        equal(await finish(app, jar, state), null);
      },
    );

    await t.step("two callbacks racing with one state: one wins", async () => {
      const jar = new Jar();
      const { state } = await start(app, jar);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => finish(app, jar, state)),
      );
      equal(results.filter(Boolean).length, 1);
    });
  });
}

Deno.test("in production the state cookie is __Host- prefixed and Secure", async () => {
  using setup = await stateApp(PRODUCTION_ENV);
  const jar = new Jar();
  const { state, headers } = await startAs(setup.app, jar, "qq");
  const cookie = headers.getSetCookie()[0];
  match(cookie, new RegExp(`^__Host-oauth_state_${state.slice(0, 8)}=`));
  match(cookie, /; Secure/);
  match(cookie, /Path=\//);
  ok(!/Domain=/i.test(cookie));
  const planted = new Jar();
  planted.cookies.set(`oauth_state_${state.slice(0, 8)}`, state);
  equal(
    await finishAs(setup.app, planted, state, "qq"),
    null,
    "a cookie without the prefix, as a sibling subdomain could plant, is not the state's",
  );
  deepEqual(await finishAs(setup.app, jar, state, "qq"), {
    next: "/",
    startedAt: START,
  });
});

Deno.test(`a browser keeps ${OAUTH_STATES_PER_BROWSER} logins pending at most: another drops its oldest`, async () => {
  using setup = await stateApp();
  const { app, clock } = setup;
  const browser = new Jar();
  const started = [];
  for (let i = 0; i <= OAUTH_STATES_PER_BROWSER; i++) {
    started.push(await startAs(app, browser, "qq", `/tab${i}`));
    clock.now += 1000;
  }
  equal(
    browser.cookies.size,
    OAUTH_STATES_PER_BROWSER,
    "its oldest cookie went",
  );
  equal(
    (await listKv(app.kv, ["oauth_states"])).length,
    OAUTH_STATES_PER_BROWSER,
    "and its row",
  );
  equal(await finishAs(app, browser, started[0].state, "qq"), null);
  for (const [i, { state }] of started.entries()) {
    if (i === 0) continue;
    equal((await finishAs(app, browser, state, "qq"))?.next, `/tab${i}`);
  }
});

Deno.test("logins started from one address that keeps no cookie cannot grow the store past its cap", async () => {
  using setup = await stateApp();
  const { app, clock } = setup;
  const neighbour = new Jar();
  const elsewhere = await startAs(app, neighbour, "qq", "/", "198.51.100.1");
  const flood = [];
  for (let i = 0; i < OAUTH_STATES_PER_CLIENT + 50; i++) {
    const jar = new Jar();
    flood.push({ jar, ...await startAs(app, jar, "qq", "/", "203.0.113.66") });
    clock.now += 1;
  }
  const rows = await listKv(app.kv, ["oauth_states"]);
  equal(
    rows.length,
    OAUTH_STATES_PER_CLIENT + 1,
    "the cap, and the neighbour's",
  );
  equal(
    (await listKv(app.kv, ["oauth_states_by_client", "203.0.113.66"])).length,
    OAUTH_STATES_PER_CLIENT,
  );
  equal(await finishAs(app, flood[0].jar, flood[0].state, "qq"), null);
  const newest = flood.at(-1)!;
  equal((await finishAs(app, newest.jar, newest.state, "qq"))?.next, "/");
  equal(
    (await finishAs(app, neighbour, elsewhere.state, "qq"))?.next,
    "/",
    "another address's login is not dropped",
  );

  clock.now += OAUTH_STATE_TTL_MS;
  await startAs(app, new Jar(), "qq", "/", "203.0.113.66");
  equal(
    (await listKv(app.kv, ["oauth_states_by_client", "203.0.113.66"])).length,
    1,
    "rows past their time are cleared by the next start, whatever KV's lazy expiry left",
  );
});
