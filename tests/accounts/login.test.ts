import { deepEqual, equal, ok } from "node:assert/strict";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { messages } from "@/lib/messages.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { testApp } from "@/tests/_app.ts";

Deno.test("password login", async (t) => {
  const app = await testApp();
  const hash = await app.passwords.hash("secret123");
  await createUserIn(app.kv.atomic(), newUser("13800138000", hash, app.now()))
    .commit();

  await t.step("by username or mobile with the right password", async () => {
    const result = await logIn(app, {
      username: "13800138000",
      password: "secret123",
    }, "10.0.0.1");
    ok(result.ok);
  });

  await t.step(
    "a wrong password and an unknown user get the same answer",
    async () => {
      const wrong = await logIn(app, {
        username: "13800138000",
        password: "nope12345",
      }, "10.0.0.1");
      const unknown = await logIn(app, {
        username: "nobody",
        password: "nope12345",
      }, "10.0.0.1");
      deepEqual(wrong, {
        ok: false,
        message: messages.wrongCredentials,
        throttled: false,
      });
      deepEqual(unknown, wrong);
    },
  );

  await t.step(
    "an unknown user still costs one bcrypt verification",
    async () => {
      let verifications = 0;
      const counting = {
        ...app.passwords,
        verify: (
          password: string,
          hash: string,
        ) => (verifications++, app.passwords.verify(password, hash)),
        verifyNothing: (
          password: string,
        ) => (verifications++, app.passwords.verifyNothing(password)),
      };
      await logIn({ ...app, passwords: counting }, {
        username: "ghost",
        password: "whatever1",
      }, "10.0.0.9");
      equal(verifications, 1);
    },
  );

  await t.step("empty or absurd fields are refused without a 500", async () => {
    for (
      const fields of [{}, { username: "a" }, {
        username: "a".repeat(10_000),
        password: "b",
      }]
    ) {
      equal((await logIn(app, fields, "10.0.0.1")).ok, false);
    }
  });

  await t.step(
    "after 10 failures an account is throttled, even for the right password",
    async () => {
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        await logIn(
          app,
          { username: "13800138000", password: "guess" + i },
          `10.1.0.${i}`,
        );
      }
      const blocked = await logIn(app, {
        username: "13800138000",
        password: "secret123",
      }, "10.2.0.1");
      deepEqual(blocked, {
        ok: false,
        message: messages.tooManyAttempts,
        throttled: true,
      });
      app.clock.now += 15 * 60 * 1000;
      ok(
        (await logIn(
          app,
          { username: "13800138000", password: "secret123" },
          "10.2.0.1",
        )).ok,
        "the window passes",
      );
    },
  );

  await t.step(
    "a burst of 40 simultaneous guesses has at most 10 passwords checked, and locks the account",
    async () => {
      const hash = await app.passwords.hash("secret123");
      await createUserIn(
        app.kv.atomic(),
        newUser("13900139000", hash, app.now()),
      ).commit();
      const results = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            logIn(
              app,
              { username: "13900139000", password: `guess${i}` },
              `10.3.0.${i}`,
            ),
        ),
      );
      const checked =
        results.filter((result) => !result.ok && !result.throttled).length;
      ok(checked <= FAILURES_PER_ACCOUNT, `${checked} passwords were checked`);
      const after = await logIn(app, {
        username: "13900139000",
        password: "secret123",
      }, "10.4.0.1");
      equal(
        !after.ok && after.throttled,
        true,
        "the account is locked after the burst",
      );
    },
  );

  app.close();
});
