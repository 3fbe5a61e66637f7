// What a new account's first request costs in KV round trips, each one a trip to SQLite's thread and
// most of a bind's time off the hashers: a bind or registration that goes through reads only what it
// decides on, and writes the account, the code's use, the audit record and the session.
import { deepEqual, equal } from "node:assert/strict";
import type { TestApp } from "@/tests/_app.ts";
import { testApp } from "@/tests/_app.ts";
import { bindTokenIn, testBrowser, XIAOMING } from "./_browser.ts";

const PASSWORD = "secret123";

type Trips = { reads: number; writes: number };

/** Counts `app.kv`'s reads (get, getMany, list) and writes (set, delete, commit) while `run` runs. */
async function roundTrips(app: TestApp, run: () => Promise<void>) {
  const trips: Trips = { reads: 0, writes: 0 };
  const kv = app.kv as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = {
    ...Object.fromEntries(
      ["get", "getMany", "list", "set", "delete", "atomic"].map((name) => [
        name,
        kv[name],
      ]),
    ),
  };
  const counted = (name: string, kind: keyof Trips) => (...args: unknown[]) => {
    trips[kind]++;
    return original[name].apply(app.kv, args);
  };
  kv.get = counted("get", "reads");
  kv.getMany = counted("getMany", "reads");
  kv.list = counted("list", "reads");
  kv.set = counted("set", "writes");
  kv.delete = counted("delete", "writes");
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
    await run();
  } finally {
    Object.assign(kv, original);
  }
  return trips;
}

Deno.test("a new user's bind reads 3 times and writes 4: no read for the bind page, a conflict or a session cap", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13800138000";
  const token = bindTokenIn(await (await browser.qqLogin(XIAOMING)).text());
  const sms_code = await browser.smsCode(app, mobile);
  let status = 0;
  const trips = await roundTrips(app, async () => {
    const response = await browser.post("/oauth_callback", {
      mobile,
      password: PASSWORD,
      sms_code,
      access_token: token,
    });
    await response.body?.cancel();
    status = response.status;
  });
  equal(status, 303);
  // Reads: the mobile's account, the code with its guesses, the bind token. Writes: the code's turn,
  // the account with its binding and the code's use, the audit record, the session.
  deepEqual(trips, { reads: 3, writes: 4 });
  app.close();
});

Deno.test("a registration reads 2 times and writes 4: no read for a session cap", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const mobile = "13900139000";
  const sms_code = await browser.smsCode(app, mobile);
  let status = 0;
  const trips = await roundTrips(app, async () => {
    const response = await browser.post("/register", {
      mobile,
      password: PASSWORD,
      sms_code,
    });
    await response.body?.cancel();
    status = response.status;
  });
  equal(status, 303);
  // Reads: the mobile's account, the code with its guesses. Writes: the code's turn, the account with
  // the code's use, the audit record, the session.
  deepEqual(trips, { reads: 2, writes: 4 });
  app.close();
});
