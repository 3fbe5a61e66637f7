// What a new account's first request costs in KV round trips, each one a trip to SQLite's thread and
// most of a bind's time off the hashers: a bind or registration that goes through reads only what it
// decides on, and writes the account, the code's use, the audit record and the session.
import { deepEqual, equal } from "node:assert/strict";
import type { TestApp } from "@/tests/_app.ts";
import { testApp } from "@/tests/_app.ts";
import {
  bindTokenIn,
  type TestBrowser,
  testBrowser,
  XIAOMING,
} from "./_browser.ts";

const PASSWORD = "secret123";

type Trips = { reads: number; writes: number };
const KINDS: Record<string, keyof Trips> = {
  get: "reads",
  getMany: "reads",
  list: "reads",
  set: "writes",
  delete: "writes",
};

/**
 * POSTs `form` to `path` from `browser` and counts `app.kv`'s reads (get, getMany, list) and writes
 * (set, delete, commit) until the answer is in.
 */
async function postCounting(
  app: TestApp,
  browser: TestBrowser,
  path: string,
  form: Record<string, string>,
) {
  const trips: Trips = { reads: 0, writes: 0 };
  const kv = app.kv as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = Object.fromEntries(
    [...Object.keys(KINDS), "atomic"].map((name) => [name, kv[name]]),
  );
  for (const [name, kind] of Object.entries(KINDS)) {
    kv[name] = (...args: unknown[]) => {
      trips[kind]++;
      return original[name].apply(app.kv, args);
    };
  }
  kv.atomic = () => {
    const op = original.atomic.apply(app.kv, []) as Deno.AtomicOperation;
    const commit = op.commit.bind(op);
    op.commit = () => {
      trips.writes++;
      return commit();
    };
    return op;
  };
  try {
    const response = await browser.post(path, form);
    await response.body?.cancel();
    return { status: response.status, trips };
  } finally {
    Object.assign(kv, original);
  }
}

Deno.test("a new user's bind reads 3 times and writes 5: no read for the bind page, a conflict or a session cap", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13800138000";
  const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
  const sms_code = await browser.smsCode(app, mobile);
  const { status, trips } = await postCounting(
    app,
    browser,
    "/oauth_callback",
    {
      mobile,
      password: PASSWORD,
      sms_code,
      allow: "on",
      access_token: token,
    },
  );
  equal(status, 303);
  // Reads: the mobile's account, the code with its guesses, the bind token. Writes: the code's turn,
  // the account with its binding and the code's use, the audit record, the session, the browser known.
  deepEqual(trips, { reads: 3, writes: 5 });
  app.close();
});

Deno.test("a registration reads 2 times and writes 5: no read for a session cap", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13900139000";
  const sms_code = await browser.smsCode(app, mobile);
  const { status, trips } = await postCounting(app, browser, "/register", {
    mobile,
    password: PASSWORD,
    sms_code,
    allow: "on",
  });
  equal(status, 303);
  // Reads: the mobile's account, the code with its guesses. Writes: the code's turn, the account with
  // the code's use, the audit record, the session, the browser known.
  deepEqual(trips, { reads: 2, writes: 5 });
  app.close();
});
