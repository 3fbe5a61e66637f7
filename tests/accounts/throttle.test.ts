import { deepEqual, equal, ok } from "node:assert/strict";
import {
  admitPasswordCheck,
  CHECKS_PER_ACCOUNT_PER_DAY,
  FAILURES_PER_ACCOUNT,
  FAILURES_PER_BROWSER,
  FAILURES_PER_CLIENT,
  startLoginAttempt,
  WINDOW_MS,
} from "@/lib/accounts/throttle.ts";
import { keyedKv } from "@/tests/_app.ts";
import { drawImageCode } from "@/lib/captcha/image_codes.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { messages } from "@/lib/messages.ts";
import { readImageCode, testApp } from "@/tests/_app.ts";

const NOW = Date.UTC(2026, 10, 24, 12);

Deno.test("login throttle", async (t) => {
  await t.step(
    "the eleventh failure is refused even when its clock is behind the first ten",
    async () => {
      // A request that read the clock earlier but committed later must not rank ahead of the others.
      using kv = await keyedKv();
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        ok(await startLoginAttempt(kv, "13800138000", `10.0.0.${i}`, NOW));
      }
      equal(
        await startLoginAttempt(kv, "13800138000", "10.0.1.1", NOW - 5),
        null,
      );
    },
  );

  await t.step(
    "of a burst of 40, exactly the first 10 get through",
    async () => {
      using kv = await keyedKv();
      const attempts = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            startLoginAttempt(kv, "13900139000", `10.0.2.${i}`, NOW - (i % 7)),
        ),
      );
      equal(attempts.filter(Boolean).length, FAILURES_PER_ACCOUNT);
    },
  );

  await t.step(
    "a right password and an old failure no longer count",
    async () => {
      using kv = await keyedKv();
      const old = NOW - WINDOW_MS - 1;
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        await startLoginAttempt(kv, "13700137000", "10.0.3.1", old);
      }
      for (let i = 0; i < FAILURES_PER_ACCOUNT - 1; i++) {
        ok(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW));
      }
      const right = await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW);
      await right!.succeeded();
      ok(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW));
      equal(await startLoginAttempt(kv, "13700137000", "10.0.3.1", NOW), null);
    },
  );

  await t.step(
    "one address is stopped after its own 100 failures",
    async () => {
      using kv = await keyedKv();
      for (let i = 0; i < FAILURES_PER_CLIENT; i++) {
        ok(await startLoginAttempt(kv, `1360000${i}`, "10.0.4.1", NOW));
      }
      equal(await startLoginAttempt(kv, "13611111111", "10.0.4.1", NOW), null);
      ok(await startLoginAttempt(kv, "13611111111", "10.0.4.2", NOW));
    },
  );
});

Deno.test("an account takes at most 50 password checks a day, solved image codes or not", async (t) => {
  const app = await testApp();
  const owner = "owner-browser-000000001";
  const account = { login: "13800138000", userId: "user-1" };
  const solved = async () => {
    const uuid = crypto.randomUUID();
    const log = console.log;
    console.log = () => {};
    try {
      await drawImageCode(app, uuid, owner);
    } finally {
      console.log = log;
    }
    return challengeAnswer(
      { uuid, image_code: await readImageCode(app, uuid) },
      owner,
    );
  };
  const check = async (address: string) => {
    const admission = await admitPasswordCheck(
      app,
      account,
      address,
      await solved(),
    );
    if (admission.ok) await admission.settle(false);
    return admission;
  };

  await t.step(
    "50 wrong passwords, each past the 15-minute limit with a solved image, are checked",
    async () => {
      for (let i = 0; i < CHECKS_PER_ACCOUNT_PER_DAY; i++) {
        const admission = await check(`10.7.${i}.1`);
        ok(admission.ok, `check ${i + 1} refused`);
      }
    },
  );

  await t.step(
    "the 51st is refused for the day, and asks for no image",
    async () => {
      deepEqual(await check("10.7.99.1"), {
        ok: false,
        field: "account",
        message: messages.tooManyAttemptsToday,
        captcha: false,
      });
    },
  );

  await t.step("the next day (China's), it is checked again", async () => {
    app.clock.now += 24 * 3600 * 1000;
    ok((await check("10.7.100.1")).ok);
  });
  app.close();
});

Deno.test("a refusal before the password is checked does not use up one of the day's checks", async () => {
  const app = await testApp();
  const account = { login: "13800138001", userId: "user-2" };
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
    const admission = await admitPasswordCheck(
      app,
      account,
      `10.8.0.${i}`,
      { browser: null },
    );
    ok(admission.ok);
    await admission.settle(false);
  }
  for (let i = 0; i < 100; i++) {
    const refused = await admitPasswordCheck(
      app,
      account,
      "10.8.1.1",
      { browser: null },
    );
    equal(!refused.ok && refused.message, messages.tooManyAttempts);
  }
  app.clock.now += WINDOW_MS + 1;
  ok(
    (await admitPasswordCheck(app, account, "10.8.1.1", { browser: null })).ok,
  );
  app.close();
});

Deno.test("behind one address (a NAT), another person's failures don't make a known browser solve images", async (t) => {
  using kv = await keyedKv();
  const nat = "198.51.100.77";
  await t.step(
    "100 failures from browsers the app doesn't know fill the address's window",
    async () => {
      for (let i = 0; i < FAILURES_PER_CLIENT; i++) {
        ok(
          await startLoginAttempt(kv, `1350000${i}`, nat, NOW, {
            id: `stranger-${i}`,
            known: false,
          }),
        );
      }
      equal(
        await startLoginAttempt(kv, "13511111111", nat, NOW, {
          id: "another-stranger",
          known: false,
        }),
        null,
        "a stranger behind the same address now needs an image",
      );
    },
  );
  await t.step(
    "a browser that logged in here lately is counted by itself",
    async () => {
      ok(
        await startLoginAttempt(kv, "13511111111", nat, NOW, {
          id: "colleague-browser",
          known: true,
        }),
      );
    },
  );
  await t.step(
    "and one browser is stopped after its own 20 failures, whatever its addresses",
    async () => {
      for (let i = 0; i < FAILURES_PER_BROWSER; i++) {
        ok(
          await startLoginAttempt(kv, `1370000${i}`, `10.9.${i}.1`, NOW, {
            id: "guessing-browser",
            known: true,
          }),
        );
      }
      equal(
        await startLoginAttempt(kv, "13799999999", "10.9.99.1", NOW, {
          id: "guessing-browser",
          known: true,
        }),
        null,
      );
    },
  );
});
