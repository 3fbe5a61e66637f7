// Abuse over real HTTP: SMS bombing past the resend interval and the daily caps, guessing a code past
// its burn limit, guessing passwords past the account and address throttles.
import { deepEqual, equal, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import {
  DAILY_SENDS_PER_CLIENT,
  DAILY_SENDS_PER_MOBILE,
  sendsToMobileKey,
  sentRecentlyToKey,
  WRONG_GUESSES_ALLOWED,
} from "@/lib/sms/codes.ts";
import {
  FAILURES_PER_ACCOUNT,
  FAILURES_PER_CLIENT,
} from "@/lib/accounts/throttle.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import {
  askForSms,
  bind,
  bindToken,
  drawImage,
  type FormAnswer,
  inParallel,
  mobile,
  newClientAddress,
  newOpenid,
  onlyMessage,
  PASSWORD,
  postForm,
  requestSmsCode,
  smsCode,
  tally,
} from "./_client.ts";
import {
  AppServer,
  inspectKv,
  SECRET_KEY,
  tempKv,
} from "@/tests/_app_server.ts";
import { givePseudonymKey } from "@/lib/kv/pseudonyms.ts";
import { consentedIn } from "@/tests/_app.ts";

const DAY_MS = 24 * 3600 * 1000;

/** Accounts that registered before the server started: each story guesses at its own. */
const ACCOUNTS = {
  sequential: "13300000001",
  byAddress: "13300000002",
  burst: "13300000003",
  viaBind: "13300000004",
  bindBurst: "13300000005",
};
/** Mobiles whose earlier sends today are on record: ten real sends would take nine minutes of resend waits. */
const NINE_SENT = "13400000009";
const TEN_SENT = "13400000010";

async function seed(path: string) {
  const kv = await Deno.openKv(path);
  givePseudonymKey(kv, SECRET_KEY);
  const hasher = createPasswordHasher(4, 0);
  const passwordHash = await hasher.hash(PASSWORD);
  const op = kv.atomic();
  for (const account of Object.values(ACCOUNTS)) {
    const user = newUser(account, passwordHash, Date.now());
    consentedIn(createUserIn(op, user), user.id);
  }
  // Today and tomorrow, so a run across China's midnight finds the same counts.
  for (const now of [Date.now(), Date.now() + DAY_MS]) {
    op.set(sendsToMobileKey(kv, NINE_SENT, now), 9, { expireIn: DAY_MS });
    op.set(sendsToMobileKey(kv, TEN_SENT, now), 10, { expireIn: DAY_MS });
  }
  ok((await op.commit()).ok);
  kv.close();
}

const logIn = (
  server: AppServer,
  username: string,
  password: string,
  clientAddress = newClientAddress(),
  extra: Record<string, string> = {},
) =>
  postForm(server, "/login", { username, password, ...extra }, {
    "x-forwarded-for": clientAddress,
  });

/** Loads the login page's image code as a browser would and reads its text off the server log. */
async function solveImageCode(server: AppServer, uuid: string) {
  const image = await drawImage(server, uuid);
  equal(image.headers.get("content-type"), "image/png");
  return { uuid, image_code: await server.imageCode(uuid) };
}

function describe(answers: FormAnswer[]): string {
  return JSON.stringify(
    tally(answers.map((a) => `${a.status} ${onlyMessage(a)}`.trim())),
  );
}

Deno.test("abuse is throttled over real HTTP: SMS caps, code burning, password guessing", async (t) => {
  await using kvFile = await tempKv();
  await seed(kvFile.path);
  await using server = await AppServer.start(kvFile.path);
  const tooFrequent = { ok: false, error: messages.smsTooFrequent };
  const racingGuesser = newClientAddress();

  await t.step(
    "a second code within 60 s is refused, from any address",
    async () => {
      const target = mobile("145", 1);
      const first = await requestSmsCode(server, target, newClientAddress());
      equal(first.status, 200);
      for (const address of [newClientAddress(), newClientAddress()]) {
        const again = await requestSmsCode(server, target, address);
        equal(again.status, 429);
        deepEqual(again.body, tooFrequent);
      }
      equal(server.codesSentTo(target), 1);
    },
  );

  await t.step(
    "20 simultaneous requests for one mobile send one code",
    async () => {
      const target = mobile("145", 2);
      const answers = await Promise.all(
        Array.from(
          { length: 20 },
          () => requestSmsCode(server, target, newClientAddress()),
        ),
      );
      deepEqual(tally(answers.map((a) => a.status)), { 200: 1, 429: 19 });
      await server.smsCode(target, 1);
      equal(server.codesSentTo(target), 1);
    },
  );

  await t.step(
    `the ${DAILY_SENDS_PER_MOBILE}th code of the day is a mobile's last`,
    async () => {
      const tenth = await requestSmsCode(server, NINE_SENT, newClientAddress());
      equal(tenth.status, 200, "nine sent before: the tenth goes out");
      const eleventh = await requestSmsCode(
        server,
        TEN_SENT,
        newClientAddress(),
      );
      equal(eleventh.status, 429, "ten sent before, none in the last minute");
      deepEqual(eleventh.body, tooFrequent);
    },
  );

  await t.step(
    `a client's ${
      DAILY_SENDS_PER_CLIENT + 1
    }st code of the day is refused, another client's is not`,
    async () => {
      const bomber = newClientAddress();
      const targets = Array.from(
        { length: DAILY_SENDS_PER_CLIENT + 1 },
        (_, i) => mobile("146", i),
      );
      // One after another: the cap, not a race, is what this step is about.
      const answers = await inParallel(
        targets,
        1,
        (target) => requestSmsCode(server, target, bomber),
      );
      deepEqual(tally(answers.map((a) => a.status)), {
        200: DAILY_SENDS_PER_CLIENT,
        429: 1,
      });
      const refused = targets[answers.findIndex((a) => a.status === 429)];
      deepEqual(answers.find((a) => a.status === 429)!.body, tooFrequent);
      const elsewhere = await requestSmsCode(
        server,
        refused,
        newClientAddress(),
      );
      equal(elsewhere.status, 200, "the cap is the client's, not the mobile's");
    },
  );

  await t.step(
    "a busy address (a campus NAT) sending 8 at a time is not refused below its cap",
    async () => {
      const campus = newClientAddress();
      const targets = Array.from({ length: 40 }, (_, i) => mobile("149", i));
      const answers = await inParallel(
        targets,
        8,
        (target) => requestSmsCode(server, target, campus),
      );
      const refused = answers.filter((a) => a.status !== 200);
      console.log(
        `40 sends, 8 at a time, from one address: ${
          JSON.stringify(tally(answers.map((a) => a.status)))
        }`,
      );
      equal(
        refused.length,
        0,
        `${refused.length} of 40 refused with ${
          JSON.stringify(refused[0]?.body)
        } though the address had sent fewer than ${DAILY_SENDS_PER_CLIENT}`,
      );
    },
  );

  await t.step(
    `${WRONG_GUESSES_ALLOWED} wrong codes burn the code: the right one is then refused`,
    async () => {
      const target = mobile("147", 1);
      const access_token = await bindToken(server, newOpenid());
      const code = await smsCode(server, target);
      const wrong = String((Number(code) + 1) % 1e6).padStart(6, "0");
      const attempt = (sms_code: string) =>
        bind(server, {
          mobile: target,
          password: PASSWORD,
          sms_code,
          access_token,
        });
      for (let i = 1; i <= WRONG_GUESSES_ALLOWED; i++) {
        const answer = await attempt(wrong);
        equal(answer.status, 400);
        equal(onlyMessage(answer), messages.smsCodeWrong, `wrong guess ${i}`);
      }
      const right = await attempt(code);
      equal(right.status, 400);
      equal(onlyMessage(right), messages.smsCodeInvalid);
    },
  );

  await t.step(
    "30 simultaneous wrong codes burn it too: parallel guesses share one count",
    async () => {
      const target = mobile("147", 2);
      const code = await smsCode(server, target);
      const guesses = Array.from(
        { length: 30 },
        (_, i) => String((Number(code) + 1 + i) % 1e6).padStart(6, "0"),
      );
      const answers = await Promise.all(
        guesses.map((sms_code) =>
          postForm(server, "/register", {
            mobile: target,
            password: PASSWORD,
            sms_code,
            allow: "on",
          })
        ),
      );
      console.log(`parallel wrong codes: ${describe(answers)}`);
      for (const answer of answers) {
        equal(answer.status, 400);
        ok(
          ([messages.smsCodeWrong, messages.smsCodeInvalid] as string[])
            .includes(
              onlyMessage(answer),
            ),
          onlyMessage(answer),
        );
      }
      const right = await postForm(server, "/register", {
        mobile: target,
        password: PASSWORD,
        sms_code: code,
        allow: "on",
      });
      equal(right.status, 400);
      equal(onlyMessage(right), messages.smsCodeInvalid);
    },
  );

  await t.step(
    `after ${FAILURES_PER_ACCOUNT} wrong passwords an account asks for an image code, and the owner gets in with one`,
    async () => {
      const account = ACCOUNTS.sequential;
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++) {
        // Each from its own address: only the account's count can stop them.
        const answer = await logIn(server, account, "wrongpass1");
        equal(answer.status, 400, `guess ${i}`);
        equal(onlyMessage(answer), messages.wrongCredentials);
      }
      const right = await logIn(server, account, PASSWORD);
      equal(right.status, 400);
      equal(onlyMessage(right), messages.tooManyAttempts);
      const uuid = right.imageCodeUuid;
      ok(uuid, "the form shows an image code");
      const other = await logIn(server, ACCOUNTS.byAddress, PASSWORD);
      equal(other.status, 303, "other accounts are not locked");
      const guessed = await logIn(
        server,
        account,
        "wrongpass1",
        undefined,
        await solveImageCode(server, uuid),
      );
      equal(guessed.status, 400, "a guess with an image code is checked");
      equal(onlyMessage(guessed), messages.wrongCredentials);
      const owner = await logIn(
        server,
        account,
        PASSWORD,
        undefined,
        await solveImageCode(server, guessed.imageCodeUuid!),
      );
      equal(owner.status, 303, "the owner is not locked out");
    },
  );

  await t.step(
    `after ${FAILURES_PER_CLIENT} failures an address is locked, for every account`,
    async () => {
      const guesser = newClientAddress();
      const usernames = Array.from(
        { length: FAILURES_PER_CLIENT },
        (_, i) => mobile("148", i),
      );
      const answers = await inParallel(
        usernames,
        1,
        (username) => logIn(server, username, "wrongpass1", guesser),
      );
      deepEqual(tally(answers.map((a) => `${a.status} ${onlyMessage(a)}`)), {
        [`400 ${messages.wrongCredentials}`]: FAILURES_PER_CLIENT,
      });
      const locked = await logIn(server, ACCOUNTS.byAddress, PASSWORD, guesser);
      equal(locked.status, 400);
      equal(onlyMessage(locked), messages.tooManyAttempts);
      const elsewhere = await logIn(server, ACCOUNTS.byAddress, PASSWORD);
      equal(elsewhere.status, 303, "the same account from another address");
    },
  );

  await t.step(
    `${FAILURES_PER_CLIENT} failures from one address, 16 at a time, lock it just the same`,
    async () => {
      const guesser = racingGuesser;
      const usernames = Array.from(
        { length: FAILURES_PER_CLIENT },
        (_, i) => mobile("144", i),
      );
      const answers = await inParallel(
        usernames,
        16,
        (username) => logIn(server, username, "wrongpass1", guesser),
      );
      equal(
        answers.filter((a) => onlyMessage(a) === messages.wrongCredentials)
          .length,
        FAILURES_PER_CLIENT,
      );
      const locked = await logIn(server, ACCOUNTS.byAddress, PASSWORD, guesser);
      equal(
        onlyMessage(locked),
        messages.tooManyAttempts,
        "failures that raced each other were not all counted",
      );
    },
  );

  await t.step(
    "wrong passwords in the bind form count towards the same lock, which the owner passes with an image code",
    async () => {
      const account = ACCOUNTS.viaBind;
      const sms_code = await smsCode(server, account);
      const access_token = await bindToken(server, newOpenid());
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++) {
        const answer = await bind(
          server,
          {
            mobile: account,
            password: "wrongpass1",
            sms_code,
            access_token,
          },
          newClientAddress(),
        );
        equal(onlyMessage(answer), messages.wrongCredentials, `guess ${i}`);
      }
      const bound = await bind(
        server,
        {
          mobile: account,
          password: PASSWORD,
          sms_code,
          access_token,
        },
        newClientAddress(),
      );
      equal(bound.status, 400);
      equal(onlyMessage(bound), messages.tooManyAttempts);
      const login = await logIn(server, account, PASSWORD);
      equal(onlyMessage(login), messages.tooManyAttempts);
      const owner = await postForm(server, "/oauth_callback", {
        mobile: account,
        password: PASSWORD,
        sms_code,
        allow: "on",
        access_token,
        ...await solveImageCode(server, bound.imageCodeUuid!),
      }, { "x-forwarded-for": newClientAddress() });
      equal(owner.status, 303, "the owner binds with a solved image code");
    },
  );

  await t.step(
    `a burst of 40 simultaneous guesses gets no more than ${FAILURES_PER_ACCOUNT} checked`,
    async () => {
      const answers = await Promise.all(
        Array.from(
          { length: 40 },
          () => logIn(server, ACCOUNTS.burst, "wrongpass1"),
        ),
      );
      console.log(`parallel wrong passwords: ${describe(answers)}`);
      const right = await logIn(server, ACCOUNTS.burst, PASSWORD);
      equal(
        onlyMessage(right),
        messages.tooManyAttempts,
        "the account asks for an image code after the burst",
      );
      const checked =
        answers.filter((a) => onlyMessage(a) === messages.wrongCredentials)
          .length;
      ok(
        checked <= FAILURES_PER_ACCOUNT,
        `${checked} of 40 simultaneous guesses were checked against the password: ` +
          "the throttle is read before and counted after the bcrypt check",
      );
    },
  );

  await t.step(
    `a burst of 40 simultaneous wrong passwords in the bind form gets no more than ${FAILURES_PER_ACCOUNT} checked`,
    async () => {
      const account = ACCOUNTS.bindBurst;
      const sms_code = await smsCode(server, account);
      const tokens = await inParallel(
        Array.from({ length: 40 }, newOpenid),
        8,
        (openid) => bindToken(server, openid),
      );
      const answers = await Promise.all(tokens.map((access_token) =>
        bind(
          server,
          {
            mobile: account,
            password: "wrongpass1",
            sms_code,
            access_token,
          },
          newClientAddress(),
        )
      ));
      console.log(`parallel wrong passwords in binds: ${describe(answers)}`);
      const checked =
        answers.filter((a) => onlyMessage(a) === messages.wrongCredentials)
          .length;
      ok(
        checked <= FAILURES_PER_ACCOUNT,
        `${checked} of 40 simultaneous binds had their password checked`,
      );
    },
  );

  await t.step(
    "the server logged no error, and the KV is consistent",
    async () => {
      deepEqual(server.stderr, []);
      await server.stop();
      const { invariants, rowsOf, pseudonymOf } = await inspectKv(
        kvFile.path,
      );
      deepEqual(invariants.problems, []);
      const sent = rowsOf<number>("sms_sends_by_mobile").filter(({ key }) =>
        key[1] === pseudonymOf("mobile", NINE_SENT)
      ).map(({ value }) => value);
      ok(
        sent.includes(DAILY_SENDS_PER_MOBILE),
        `the tenth was counted: ${sent}`,
      );
      const counted = (table: string, who: string) =>
        rowsOf<number>(table).filter(({ key }) => key[1] === who)
          .map(({ value }) => value);
      console.log(
        `failures counted: the burst's 40 guesses ${
          counted(
            "login_attempts_by_account",
            pseudonymOf("login", ACCOUNTS.burst),
          )
        }, the address's ${FAILURES_PER_CLIENT} racing failures ${
          counted(
            "login_attempts_by_client",
            pseudonymOf("address", racingGuesser),
          )
        }`,
      );
    },
  );
});

Deno.test(`2,000 simultaneous guesses at one SMS code over HTTP: no more than ${WRONG_GUESSES_ALLOWED} are compared`, async () => {
  // The register form for a mobile that has an account tells a right code (该手机号已注册) from a wrong one
  // (输入短信验证码有误) and leaves the code live, so every compared guess shows in its answer.
  const member = "13300000099";
  await using kvFile = await tempKv();
  const kv = await Deno.openKv(kvFile.path);
  const op = kv.atomic();
  createUserIn(
    op,
    newUser(
      member,
      await createPasswordHasher(4, 0).hash(PASSWORD),
      Date.now(),
    ),
  );
  ok((await op.commit()).ok);
  kv.close();
  await using server = await AppServer.start(kvFile.path);
  const code = await smsCode(server, member);
  const wrong = String((Number(code) + 1) % 1e6).padStart(6, "0");
  // One guess in three is right: on a count kept after comparing, every right one that read the code
  // before the fifth wrong one landed would be recognised.
  const guesses = Array.from(
    { length: 2000 },
    (_, i) => i % 3 === 2 ? code : wrong,
  );
  const answers = await Promise.all(
    guesses.map((sms_code) =>
      postForm(server, "/register", {
        mobile: member,
        password: PASSWORD,
        sms_code,
        allow: "on",
      }, { "x-forwarded-for": newClientAddress() })
    ),
  );
  console.log(`2,000 simultaneous guesses: ${describe(answers)}`);
  const compared = answers.filter((a) =>
    ([messages.smsCodeWrong, messages.mobileTaken] as string[]).includes(
      onlyMessage(a),
    )
  );
  ok(
    compared.length <= WRONG_GUESSES_ALLOWED,
    `${compared.length} of 2,000 simultaneous guesses were compared with the code`,
  );
  deepEqual(
    answers.filter((a) => a.status !== 400),
    [],
    "every guess is a refused form",
  );
  deepEqual(server.stderr, []);
});

Deno.test("SMS bombing over HTTP: past a mobile's or a client's first code in the hour, only a solved image code sends one", async (t) => {
  const victim = "13500000001";
  await using kvFile = await tempKv();
  const kv = await Deno.openKv(kvFile.path);
  givePseudonymKey(kv, SECRET_KEY);
  // The victim was sent a code two minutes ago (the 60 s wait is over, the hour is not).
  await kv.set(sentRecentlyToKey(kv, victim), Date.now() - 120_000, {
    expireIn: 3600_000,
  });
  kv.close();
  await using server = await AppServer.start(kvFile.path);
  const asked = (error: string) => ({
    status: 400,
    body: { ok: false, error, captcha: true },
  });
  const image = async () => {
    const uuid = crypto.randomUUID();
    const response = await drawImage(server, uuid);
    equal(response.headers.get("content-type"), "image/png");
    return { uuid, text: await server.imageCode(uuid) };
  };

  await t.step(
    "ten requests from ten addresses send the victim nothing",
    async () => {
      const answers = await Promise.all(
        Array.from(
          { length: 10 },
          () => askForSms(server, victim, newClientAddress()),
        ),
      );
      for (const answer of answers) {
        deepEqual(answer, asked(messages.imageCodeMissing));
      }
      equal(server.codesSentTo(victim), 0);
    },
  );

  await t.step(
    "made-up, wrong and reused answers send nothing either",
    async () => {
      const client = newClientAddress();
      deepEqual(
        await askForSms(server, victim, client, {
          image_code: "ABCD",
          uuid: crypto.randomUUID(),
        }),
        asked(messages.imageCodeExpired),
      );
      const { uuid, text } = await image();
      const wrong = text === "2345" ? "6789" : "2345";
      deepEqual(
        await askForSms(server, victim, client, { image_code: wrong, uuid }),
        asked(messages.imageCodeWrong),
      );
      deepEqual(
        await askForSms(server, victim, client, { image_code: text, uuid }),
        asked(messages.imageCodeExpired),
        "the wrong answer used the image up",
      );
      equal(server.codesSentTo(victim), 0);
    },
  );

  await t.step("a solved image code, in any case, sends it", async () => {
    const { uuid, text } = await image();
    deepEqual(
      await askForSms(server, victim, newClientAddress(), {
        image_code: text.toLowerCase(),
        uuid,
      }),
      { status: 200, body: { ok: true } },
    );
    await server.smsCode(victim, 1);
  });

  await t.step(
    "a client's second code in the hour needs one, to any mobile",
    async () => {
      const bomber = newClientAddress();
      const first = await askForSms(server, mobile("150", 0), bomber);
      equal(first.status, 200, "the hour's first is free");
      const answers = await Promise.all(
        Array.from(
          { length: 9 },
          (_, i) => askForSms(server, mobile("150", i + 1), bomber),
        ),
      );
      for (const answer of answers) {
        deepEqual(answer, asked(messages.imageCodeMissing));
      }
    },
  );

  await t.step("the server logged no error", () => {
    deepEqual(server.stderr, []);
  });
});
