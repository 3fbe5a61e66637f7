import { deepEqual, equal, ok } from "node:assert/strict";
import { FAILURES_PER_ACCOUNT } from "@/lib/accounts/throttle.ts";
import { messages } from "@/lib/messages.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { drawImageCode, imageCodeKey } from "@/lib/captcha/image_codes.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";

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
        field: "account",
        message: messages.wrongCredentials,
        captcha: false,
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
    "after 10 failures an attempt without an image code is refused, even with the right password",
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
        field: "account",
        message: messages.tooManyAttempts,
        captcha: true,
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
        results.filter((result) => !result.ok && !result.captcha).length;
      ok(checked <= FAILURES_PER_ACCOUNT, `${checked} passwords were checked`);
      const after = await logIn(app, {
        username: "13900139000",
        password: "secret123",
      }, "10.4.0.1");
      equal(
        !after.ok && after.captcha,
        true,
        "the account asks for an image code after the burst",
      );
    },
  );

  app.close();
});

/** The browser the owner logs in from: its image codes are answered from it. */
const BROWSER = "owner-browser-000000001";

/** Draws an image code for a new uuid and reads its text as a person would from the picture. */
async function solvedImageCode(app: TestApp) {
  const uuid = crypto.randomUUID();
  const log = console.log;
  console.log = () => {};
  try {
    await drawImageCode(app, uuid, BROWSER);
  } finally {
    console.log = log;
  }
  const { value } = await app.kv.get<{ text: string }>(imageCodeKey(uuid));
  return { uuid, image_code: value!.text.toLowerCase() };
}

Deno.test("past the login limit, a solved image code lets the owner in", async (t) => {
  const app = await testApp();
  const hash = await app.passwords.hash("secret123");
  await createUserIn(app.kv.atomic(), newUser("13800138000", hash, app.now()))
    .commit();
  for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
    await logIn(
      app,
      { username: "13800138000", password: `guess${i}` },
      `10.1.0.${i}`,
    );
  }
  const owner = { username: "13800138000", password: "secret123" };

  await t.step(
    "the right password with a solved image code gets in",
    async () => {
      const result = await logIn(
        app,
        {
          ...owner,
          ...await solvedImageCode(app),
        },
        "10.9.0.1",
        BROWSER,
      );
      ok(result.ok);
    },
  );

  await t.step(
    "a wrong password with one is refused and asks for a new one",
    async () => {
      const result = await logIn(
        app,
        {
          ...owner,
          password: "wrong1234",
          ...await solvedImageCode(app),
        },
        "10.9.0.1",
        BROWSER,
      );
      deepEqual(result, {
        ok: false,
        field: "account",
        message: messages.wrongCredentials,
        captcha: true,
      });
    },
  );

  await t.step(
    "a wrong, reused or unknown image code is refused before the password",
    async () => {
      const solved = await solvedImageCode(app);
      const wrong = await logIn(
        app,
        {
          ...owner,
          uuid: solved.uuid,
          image_code: "0000",
        },
        "10.9.0.1",
        BROWSER,
      );
      deepEqual(wrong, {
        ok: false,
        field: "image_code",
        message: messages.imageCodeWrong,
        captcha: true,
      });
      const reused = await logIn(
        app,
        { ...owner, ...solved },
        "10.9.0.1",
        BROWSER,
      );
      equal(!reused.ok && reused.message, messages.imageCodeExpired);
      const unknown = await logIn(
        app,
        {
          ...owner,
          uuid: crypto.randomUUID(),
          image_code: "ABCD",
        },
        "10.9.0.1",
        BROWSER,
      );
      equal(!unknown.ok && unknown.message, messages.imageCodeExpired);
    },
  );

  await t.step("under the limit, no image code is needed", async () => {
    app.clock.now += 15 * 60 * 1000;
    ok((await logIn(app, owner, "10.9.0.1", BROWSER)).ok);
  });

  app.close();
});
