import { deepEqual, equal, ok } from "node:assert/strict";
import { findBinding, findBindingsOfUser } from "@/lib/social/bindings.ts";
import { issueBindToken } from "@/lib/social/bind_tokens.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { bindAccount, type BindResult } from "@/lib/social/bind.ts";
import type { Provider } from "@/lib/social/provider.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { registerUser } from "@/lib/accounts/registration.ts";
import {
  listKv,
  sendSmsAsAPerson,
  type TestApp,
  testApp,
} from "@/tests/_app.ts";

const PASSWORD = "secret123";
const CLIENT = "127.0.0.1";

async function smsCode(app: TestApp, mobile: string): Promise<string> {
  if (app.outbox.has(mobile)) app.clock.now += 61_000; // past the resend interval of the earlier code
  const sent = await sendSmsAsAPerson(app, { mobile }, CLIENT);
  ok(sent.ok, JSON.stringify(sent));
  return app.outbox.get(mobile)!;
}

// The bind table, the tokens and the races hold for every provider alike.
for (const provider of PROVIDERS) {
  bindStories(provider);
}

/** The cookie of the browser each bind token was issued to: a bind is posted from that browser. */
const browserOf = new Map<string, string>();

/** A request from the browser holding `token` (or, with `cookie`, from another one). */
function fromBrowser(token: string | undefined, cookie?: string): Request {
  const header = cookie ?? (token && browserOf.get(token)) ?? "";
  return new Request("http://localhost/oauth_callback", {
    method: "POST",
    headers: header ? { cookie: header } : {},
  });
}

function bindStories(provider: Provider) {
  const said = providerMessages(provider.name);

  /** A provider login's pending bind in a browser of its own; the token its bind form carries. */
  async function bindToken(app: TestApp, uid: string, next = "/orders") {
    const headers = new Headers();
    const token = await issueBindToken(app, fromBrowser(undefined), headers, {
      provider: provider.id,
      uid,
      nickname: "小明",
      avatar: null,
      next,
    });
    browserOf.set(token, headers.getSetCookie()[0].split(";")[0]);
    return token;
  }

  const bind = (
    app: TestApp,
    form: Partial<Record<string, string>>,
    cookie?: string,
  ): Promise<BindResult> =>
    bindAccount(
      app,
      provider,
      fromBrowser(form.access_token, cookie),
      form,
      CLIENT,
    );

  async function bindForm(
    app: TestApp,
    mobile: string,
    openid: string,
    password = PASSWORD,
  ) {
    return {
      mobile,
      password,
      sms_code: await smsCode(app, mobile),
      allow: "on",
      access_token: await bindToken(app, openid),
    };
  }

  function failure(result: BindResult) {
    if (result.ok) throw new Error("expected the bind to fail");
    return { field: result.field, message: result.message };
  }

  async function userWith(app: TestApp, mobile: string, password = PASSWORD) {
    const form = {
      mobile,
      password,
      allow: "on",
      sms_code: await smsCode(app, mobile),
    };
    const registered = await registerUser(app, form, CLIENT);
    if (!registered.ok) throw new Error(registered.message);
    return registered.user;
  }

  /** A story on an app and a clock of its own: it runs alone (`--filter`), and fails alone. */
  function story(name: string, tell: (app: TestApp) => Promise<void>) {
    Deno.test(name, async () => {
      const app = await testApp();
      try {
        await tell(app);
      } finally {
        app.close();
      }
    });
  }

  const binding = `binding a ${provider.name} account`;

  /** A new mobile bound to `openid` through a bind that creates its user. */
  async function boundNewUser(app: TestApp, mobile: string, openid: string) {
    const result = await bind(app, await bindForm(app, mobile, openid));
    if (!result.ok) throw new Error(result.message);
    return result;
  }

  story(
    `${binding}: a new mobile creates the user, binds the openid and goes to next`,
    async (app) => {
      const result = await bind(
        app,
        await bindForm(app, "13800000001", "OPENID1"),
      );
      if (!result.ok) throw new Error(result.message);
      equal(result.created, true);
      equal(result.user.username, "13800000001");
      equal(result.next, "/orders");
      equal(
        (await findBinding(app.kv, provider.id, "OPENID1")).binding?.userId,
        result.user.id,
      );
      equal(
        (await findBindingsOfUser(app.kv, result.user.id)).get(provider.id)
          ?.uid,
        "OPENID1",
      );
      ok(await app.passwords.verify(PASSWORD, result.user.passwordHash));
    },
  );

  story(
    `${binding}: an existing mobile with the right password is bound, not duplicated`,
    async (app) => {
      const user = await userWith(app, "13800000002");
      const result = await bind(
        app,
        await bindForm(app, "13800000002", "OPENID2"),
      );
      if (!result.ok) throw new Error(result.message);
      equal(result.created, false);
      equal(result.user.id, user.id);
      equal(
        (await findBinding(app.kv, provider.id, "OPENID2")).binding?.userId,
        user.id,
      );
    },
  );

  story(
    `${binding}: an existing mobile with the wrong password is not bound`,
    async (app) => {
      await userWith(app, "13800000003");
      const result = await bind(
        app,
        await bindForm(app, "13800000003", "OPENID3", "wrongpass1"),
      );
      deepEqual(failure(result), {
        field: "account",
        message: messages.wrongCredentials,
      });
      equal(
        (await findBinding(app.kv, provider.id, "OPENID3")).binding,
        null,
      );
    },
  );

  story(
    `${binding}: each field rule answers with the contract's message, in order`,
    async (app) => {
      const token = await bindToken(app, "OPENID4");
      const cases: [Record<string, string>, string, string][] = [
        [
          {
            password: PASSWORD,
            allow: "on",
            sms_code: "123456",
            access_token: token,
          },
          "form",
          messages.missingFields,
        ],
        [
          { mobile: "13800000004", password: "", allow: "on", sms_code: "1" },
          "form",
          messages.missingFields,
        ],
        [
          {
            mobile: "12800000004",
            password: PASSWORD,
            allow: "on",
            sms_code: "123456",
          },
          "mobile",
          messages.invalidMobile,
        ],
        [
          {
            mobile: "1380000000",
            password: "short",
            allow: "on",
            sms_code: "123456",
          },
          "mobile",
          messages.invalidMobile,
        ],
        [
          {
            mobile: "13800000004",
            password: "short1",
            allow: "on",
            sms_code: "123456",
          },
          "password",
          messages.invalidPassword,
        ],
        [
          {
            mobile: "13800000004",
            password: "has space 12",
            allow: "on",
            sms_code: "1",
          },
          "password",
          messages.invalidPassword,
        ],
        [
          {
            mobile: "13800000004",
            password: "a".repeat(21),
            allow: "on",
            sms_code: "1",
          },
          "password",
          messages.invalidPassword,
        ],
        [
          {
            mobile: "13800000004",
            password: PASSWORD,
            allow: "on",
            sms_code: "123456",
          },
          "sms_code",
          messages.smsCodeInvalid,
        ],
      ];
      for (const [form, field, message] of cases) {
        deepEqual(failure(await bind(app, form)), {
          field,
          message,
        }, JSON.stringify(form));
      }
    },
  );

  story(
    `${binding}: a wrong code says so, and the right one still works after`,
    async (app) => {
      const form = await bindForm(app, "13800000005", "OPENID5");
      const wrong = form.sms_code === "000000" ? "111111" : "000000";
      deepEqual(
        failure(await bind(app, { ...form, sms_code: wrong })),
        {
          field: "sms_code",
          message: messages.smsCodeWrong,
        },
      );
      ok((await bind(app, form)).ok);
    },
  );

  story(`${binding}: a reused SMS code is no longer valid`, async (app) => {
    const form = await bindForm(app, "13800000006", "OPENID6");
    ok((await bind(app, form)).ok);
    const again = { ...form, access_token: await bindToken(app, "OPENID6b") };
    deepEqual(failure(await bind(app, again)), {
      field: "sms_code",
      message: messages.smsCodeInvalid,
    });
  });

  story(
    `${binding}: a sixth guess fails even with the right code`,
    async (app) => {
      const form = await bindForm(app, "13800000007", "OPENID7");
      const wrong = form.sms_code === "000000" ? "111111" : "000000";
      for (let i = 0; i < 5; i++) {
        await bind(app, { ...form, sms_code: wrong });
      }
      deepEqual(failure(await bind(app, form)), {
        field: "sms_code",
        message: messages.smsCodeInvalid,
      });
    },
  );

  story(
    `${binding}: a missing, forged, tampered, expired or replayed bind token is an invalid openid`,
    async (app) => {
      const mobile = "13800000008";
      const invalid = {
        field: "access_token",
        message: messages.bindTokenInvalid,
      };
      const form = await bindForm(app, mobile, "OPENID8");
      const cookie = browserOf.get(form.access_token)!;
      const flipped = form.access_token.slice(0, -1) +
        (form.access_token.endsWith("A") ? "B" : "A");
      for (
        const [access_token, from] of [
          ["", cookie],
          ["forged", cookie],
          [flipped, cookie.replace(form.access_token, flipped)],
          [form.access_token, ""], // another browser: no cookie
          [form.access_token, `${cookie.split("=")[0]}=${"x".repeat(22)}`],
        ]
      ) {
        deepEqual(
          failure(await bind(app, { ...form, access_token }, from)),
          invalid,
          `${access_token} from ${from}`,
        );
      }
      const otherProvider = PROVIDERS.find(({ id }) => id !== provider.id)!;
      deepEqual(
        failure(
          await bindAccount(
            app,
            otherProvider,
            fromBrowser(form.access_token),
            form,
            CLIENT,
          ),
        ),
        invalid,
        "another provider's callback",
      );

      const stale = await bindToken(app, "OPENID8");
      app.clock.now += 601_000;
      const fresh = await bindForm(app, mobile, "OPENID8");
      deepEqual(
        failure(
          await bind(app, { ...fresh, access_token: stale }),
        ),
        invalid,
      );

      ok((await bind(app, fresh)).ok);
      const replay = {
        ...fresh,
        mobile: "13800000009",
        sms_code: await smsCode(app, "13800000009"),
        allow: "on",
      };
      deepEqual(failure(await bind(app, replay)), invalid);
    },
  );

  story(
    `${binding}: the token is small and random: it shows nothing of the identity`,
    async (app) => {
      const token = await bindToken(app, "VISIBLEOPENID");
      ok(/^[\w-]{22}$/.test(token), token);
      ok(!browserOf.get(token)!.includes("VISIBLEOPENID"));
    },
  );

  story(
    `${binding}: a 1,000-character nickname still binds: the token stays 22 characters`,
    async (app) => {
      const headers = new Headers();
      const token = await issueBindToken(
        app,
        fromBrowser(undefined),
        headers,
        {
          provider: provider.id,
          uid: "LONG_NICKNAME",
          nickname: "长".repeat(1000),
          avatar: null,
          next: "/",
        },
      );
      equal(token.length, 22);
      browserOf.set(token, headers.getSetCookie()[0].split(";")[0]);
      ok(browserOf.get(token)!.length < 100, "the cookie stays small");
      const form = {
        mobile: "13800000099",
        password: PASSWORD,
        sms_code: await smsCode(app, "13800000099"),
        allow: "on",
        access_token: token,
      };
      ok((await bind(app, form)).ok);
    },
  );

  story(
    `${binding}: an openid already bound, or an account already bound, fails as a provider login`,
    async (app) => {
      await boundNewUser(app, "13800000001", "OPENID1");

      const taken = await bind(
        app,
        await bindForm(app, "13800000010", "OPENID1"),
      );
      deepEqual(failure(taken), {
        field: "provider",
        message: said.loginFailed,
      });
      equal(!taken.ok && taken.reason, said.identityBound);
      equal(
        (await findUserByMobile(app.kv, "13800000010")).user,
        null,
        "no user is left behind",
      );

      const second = await bind(
        app,
        await bindForm(app, "13800000001", "OPENID11"),
      );
      deepEqual(failure(second), {
        field: "provider",
        message: said.loginFailed,
      });
      equal(!second.ok && second.reason, said.accountBound);
    },
  );

  story(`${binding}: every attempt is in the audit trail`, async (app) => {
    await boundNewUser(app, "13800000001", "OPENID1");
    await userWith(app, "13800000003");
    failure(
      await bind(
        app,
        await bindForm(app, "13800000003", "OPENID3", "wrongpass1"),
      ),
    );

    const audit = (await listKv(app.kv, ["audit"])).map(([, value]) =>
      value as { action: string; outcome: string }
    );
    ok(
      audit.some((event) =>
        event.action === "bind" && event.outcome === "created_and_bound"
      ),
    );
    ok(
      audit.some((event) =>
        event.action === "bind" && event.outcome.includes("wrong_password")
      ),
    );
  });

  const racing = `${provider.name} binds racing each other`;

  story(
    `${racing}: 20 binds for one openid end with one binding; the rest are told why`,
    async (app) => {
      const forms = [];
      for (let i = 0; i < 20; i++) {
        forms.push(
          await bindForm(
            app,
            `1370000${String(i).padStart(4, "0")}`,
            "RACED",
          ),
        );
      }
      const results = await Promise.all(
        forms.map((form) => bind(app, form)),
      );
      equal(results.filter((result) => result.ok).length, 1);
      for (const result of results.filter((result) => !result.ok)) {
        deepEqual(failure(result), {
          field: "provider",
          message: said.loginFailed,
        });
      }
      equal(
        (await listKv(app.kv, ["users"])).length,
        1,
        "only the winner's user exists",
      );
      equal((await listKv(app.kv, ["bindings", provider.id])).length, 1);
    },
  );

  story(
    `${racing}: 20 binds for one new mobile end with one user; the rest are told why`,
    async (app) => {
      const mobile = "13600000000";
      const code = await smsCode(app, mobile);
      const forms = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => ({
          mobile,
          password: PASSWORD,
          sms_code: code,
          allow: "on",
          access_token: await bindToken(app, `MOBILE_RACE_${i}`),
        })),
      );
      const results = await Promise.all(
        forms.map((form) => bind(app, form)),
      );
      equal(results.filter((result) => result.ok).length, 1);
      for (const result of results.filter((result) => !result.ok)) {
        deepEqual(failure(result), {
          field: "sms_code",
          message: messages.smsCodeInvalid,
        });
      }
      const winner = results.find((result) => result.ok);
      equal(
        (await findUserByMobile(app.kv, mobile)).user?.id,
        winner?.ok && winner.user.id,
      );
      equal(
        (await listKv(app.kv, ["users"])).length,
        1,
        "only the winner's user exists",
      );
      equal((await listKv(app.kv, ["bindings_by_user"])).length, 1);
    },
  );

  story(
    `${racing}: a bind that loses a new mobile to a racer between its reads is told the code is used, with no password check`,
    async (app) => {
      const mobile = "13600000001";
      const code = await smsCode(app, mobile);
      const winner = {
        mobile,
        password: PASSWORD,
        sms_code: code,
        allow: "on",
        access_token: await bindToken(app, "BETWEEN_READS_WINNER"),
      };
      const loser = {
        ...winner,
        access_token: await bindToken(app, "LOSER"),
      };
      // The winner's whole bind lands right after the loser has read the (still live) code.
      let interleaved = false;
      const kv = new Proxy(app.kv, {
        get(target, name) {
          if (name !== "getMany") {
            const value = Reflect.get(target, name, target);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return async (keys: Deno.KvKey[]) => {
            const entries = await target.getMany(keys);
            if (keys[0][0] === "sms_codes" && !interleaved) {
              interleaved = true;
              ok((await bind(app, winner)).ok);
            }
            return entries;
          };
        },
      });
      const result = await bindAccount(
        { ...app, kv },
        provider,
        fromBrowser(loser.access_token),
        loser,
        CLIENT,
      );
      ok(interleaved);
      deepEqual(failure(result), {
        field: "sms_code",
        message: messages.smsCodeInvalid,
      });
    },
  );

  Deno.test(`${provider.name}: wrong passwords and stale bind tokens with a right SMS code leave the code usable`, async () => {
    const app = await testApp();
    try {
      const mobile = "13600000077";
      await userWith(app, mobile);
      const form = await bindForm(app, mobile, "MANY_TYPOS", "wrongpass1");
      for (let typo = 1; typo <= 7; typo++) {
        deepEqual(failure(await bind(app, form)), {
          field: "account",
          message: messages.wrongCredentials,
        }, `typo ${typo}`);
      }
      for (let stale = 1; stale <= 3; stale++) {
        deepEqual(
          failure(await bind(app, { ...form, access_token: "stale" })),
          { field: "access_token", message: messages.bindTokenInvalid },
          `stale bind token ${stale}`,
        );
      }
      ok((await bind(app, { ...form, password: PASSWORD })).ok);
    } finally {
      app.close();
    }
  });

  Deno.test(`${provider.name}: a right SMS code with a bad or expired bind token stays usable`, async () => {
    const app = await testApp();
    try {
      const mobile = "13600000078";
      const form = await bindForm(app, mobile, "TOKEN_TROUBLE");
      for (let attempt = 1; attempt <= 7; attempt++) {
        deepEqual(failure(await bind(app, { ...form, access_token: "x" })), {
          field: "access_token",
          message: messages.bindTokenInvalid,
        }, `attempt ${attempt}`);
      }
      ok((await bind(app, form)).ok, "a fresh login's token binds with it");
    } finally {
      app.close();
    }
  });
}
