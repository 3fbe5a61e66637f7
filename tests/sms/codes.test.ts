import { deepEqual, equal, ok } from "node:assert/strict";
import {
  checkSmsCode,
  consumeSmsCodeIn,
  DAILY_SENDS_PER_CLIENT,
  DAILY_SENDS_PER_MOBILE,
  issueSmsCode,
  QUIET_AFTER_S,
  readSendLimits,
  returnSmsCodeTurn,
  sendsByClientKey,
  sendsToMobileKey,
  SMS_PURPOSES,
  type SmsCode,
  smsCodeKey,
  type SmsCodeRequest,
  type SmsPurpose,
  WRONG_GUESSES_ALLOWED,
} from "@/lib/sms/codes.ts";
import { keyedKv, START } from "@/tests/_app.ts";

const MOBILE = "13800138000";
const CLIENT = "203.0.113.7";

const request = (
  mobile = MOBILE,
  clientAddress = CLIENT,
  purpose: SmsPurpose = "signup",
  applies = true,
  onlyIfQuiet = false,
): SmsCodeRequest => ({ mobile, clientAddress, purpose, applies, onlyIfQuiet });

async function issued(
  kv: Deno.Kv,
  now = START,
  mobile = MOBILE,
  client = CLIENT,
  purpose: SmsPurpose = "signup",
): Promise<string> {
  const result = await issueSmsCode(kv, request(mobile, client, purpose), now);
  if (!result.ok || result.code === null) {
    throw new Error(`expected a code, got ${JSON.stringify(result)}`);
  }
  return result.code;
}

/** The guess count beside the signup code of `mobile`. */
const guessesOf = (kv: Deno.Kv, mobile: string) => [
  "sms_code_guesses",
  ...smsCodeKey(kv, mobile, "signup").slice(1),
];

const wrongFor = (code: string) => code === "000000" ? "111111" : "000000";

async function withKv(story: (kv: Deno.Kv) => Promise<void>) {
  const kv = await keyedKv();
  try {
    await story(kv);
  } finally {
    kv.close();
  }
}

Deno.test("a code is six digits and checks out", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    ok(/^\d{6}$/.test(code));
    equal(
      (await checkSmsCode(kv, MOBILE, "signup", code, START + 1000)).ok,
      true,
    );
  }));

Deno.test("a second code within 60 s is refused, after 60 s it is sent", () =>
  withKv(async (kv) => {
    await issued(kv);
    deepEqual(await issueSmsCode(kv, request(), START + 59_000), {
      ok: false,
      reason: "too_frequent",
    });
    ok((await issueSmsCode(kv, request(), START + 60_000)).ok);
  }));

Deno.test("a code expires after 300 s", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    equal(
      (await checkSmsCode(kv, MOBILE, "signup", code, START + 299_000)).ok,
      true,
    );
    deepEqual(
      await checkSmsCode(kv, MOBILE, "signup", code, START + 300_000),
      { ok: false, reason: "no_live_code" },
    );
  }));

Deno.test("a code never sent is no live code", () =>
  withKv(async (kv) => {
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", "123456", START), {
      ok: false,
      reason: "no_live_code",
    });
  }));

Deno.test("a fifth wrong guess burns the code, so a sixth guess fails even when right", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    for (let guess = 1; guess <= 5; guess++) {
      deepEqual(
        await checkSmsCode(kv, MOBILE, "signup", wrongFor(code), START),
        { ok: false, reason: "wrong_code" },
        `guess ${guess}`,
      );
    }
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", code, START), {
      ok: false,
      reason: "no_live_code",
    });
  }));

Deno.test("parallel wrong guesses are all counted", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    await Promise.all(
      Array.from(
        { length: 5 },
        () => checkSmsCode(kv, MOBILE, "signup", wrongFor(code), START),
      ),
    );
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", code, START), {
      ok: false,
      reason: "no_live_code",
    });
  }));

Deno.test("a consumed code cannot be used again", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    const check = await checkSmsCode(kv, MOBILE, "signup", code, START);
    if (!check.ok) throw new Error("expected a live code");
    ok((await consumeSmsCodeIn(kv.atomic(), check.entry).commit()).ok);
    equal(
      (await consumeSmsCodeIn(kv.atomic(), check.entry).commit()).ok,
      false,
    );
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", code, START), {
      ok: false,
      reason: "no_live_code",
    });
  }));

Deno.test("one mobile gets at most 10 codes a day", () =>
  withKv(async (kv) => {
    for (let i = 0; i < DAILY_SENDS_PER_MOBILE; i++) {
      await issued(kv, START + i * 61_000, MOBILE, `198.51.100.${i}`);
    }
    deepEqual(
      await issueSmsCode(
        kv,
        request(MOBILE, "198.51.100.200"),
        START + 11 * 61_000,
      ),
      { ok: false, reason: "daily_cap" },
    );
  }));

Deno.test("one client gets at most 50 codes a day", () =>
  withKv(async (kv) => {
    for (let i = 0; i < DAILY_SENDS_PER_CLIENT; i++) {
      await issued(kv, START, `131${String(i).padStart(8, "0")}`);
    }
    deepEqual(await issueSmsCode(kv, request("13188888888"), START), {
      ok: false,
      reason: "daily_cap",
    });
  }));

Deno.test("simultaneous requests for one mobile send one code", () =>
  withKv(async (kv) => {
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) => issueSmsCode(kv, request(MOBILE, `${CLIENT}${i}`), START),
      ),
    );
    equal(results.filter((result) => result.ok).length, 1);
  }));

Deno.test("a code works only for its own purpose", async (t) => {
  for (const purpose of SMS_PURPOSES) {
    await t.step(`a ${purpose} code`, () =>
      withKv(async (kv) => {
        const code = await issued(kv, START, MOBILE, CLIENT, purpose);
        for (const other of SMS_PURPOSES.filter((p) => p !== purpose)) {
          deepEqual(
            await checkSmsCode(kv, MOBILE, other, code, START),
            { ok: false, reason: "no_live_code" },
            `used as ${other}`,
          );
        }
        equal((await checkSmsCode(kv, MOBILE, purpose, code, START)).ok, true);
      }));
  }
});

Deno.test("the resend wait and the caps count every purpose together", () =>
  withKv(async (kv) => {
    await issued(kv, START, MOBILE, CLIENT, "signup");
    deepEqual(
      await issueSmsCode(
        kv,
        request(MOBILE, "198.51.100.1", "reset_password"),
        START + 1000,
      ),
      { ok: false, reason: "too_frequent" },
    );
    for (let i = 1; i < DAILY_SENDS_PER_MOBILE; i++) {
      const purpose = SMS_PURPOSES[i % SMS_PURPOSES.length];
      await issued(kv, START + i * 61_000, MOBILE, `198.51.100.${i}`, purpose);
    }
    deepEqual(
      await issueSmsCode(
        kv,
        request(MOBILE, "198.51.100.99", "delete_account"),
        START + 20 * 61_000,
      ),
      { ok: false, reason: "daily_cap" },
    );
  }));

Deno.test("a request that does not apply makes a code nobody gets, waits as one that did, and counts against the client only", () =>
  withKv(async (kv) => {
    const notSent = await issueSmsCode(
      kv,
      request(MOBILE, CLIENT, "reset_password", false),
      START,
    );
    deepEqual(notSent, { ok: true, code: null }, "nothing to send");
    const { value } = await kv.get<SmsCode>(
      smsCodeKey(kv, MOBILE, "reset_password"),
    );
    ok(value?.undelivered, "a code row all the same, marked undelivered");
    for (let i = 1; i <= WRONG_GUESSES_ALLOWED; i++) {
      deepEqual(
        await checkSmsCode(kv, MOBILE, "reset_password", value.code, START),
        { ok: false, reason: "wrong_code" },
        `guess ${i}, its own code included, is wrong`,
      );
    }
    deepEqual(
      await checkSmsCode(kv, MOBILE, "reset_password", value.code, START),
      { ok: false, reason: "no_live_code" },
      "burned as a real one is",
    );
    deepEqual(await issueSmsCode(kv, request(), START + 1000), {
      ok: false,
      reason: "too_frequent",
    });
    const [byMobile, byClient] = await kv.getMany<number[]>([
      sendsToMobileKey(kv, MOBILE, START),
      sendsByClientKey(kv, CLIENT, START),
    ]);
    equal(
      byMobile.value,
      null,
      "the mobile's owner got nothing: not their day",
    );
    equal(byClient.value, 1, "the asker's");
  }));

Deno.test("a new code of one purpose leaves another purpose's live code alone", () =>
  withKv(async (kv) => {
    const signup = await issued(kv, START, MOBILE, CLIENT, "signup");
    await issued(kv, START + 61_000, MOBILE, CLIENT, "change_mobile");
    equal(
      (await checkSmsCode(kv, MOBILE, "signup", signup, START + 62_000)).ok,
      true,
    );
  }));

const compared = (results: Awaited<ReturnType<typeof checkSmsCode>>[]) =>
  results.filter((result) => result.ok || result.reason === "wrong_code")
    .length;

Deno.test("of 2,000 simultaneous guesses five are compared, however many are right", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    // Every third guess right: each one compared would be recognised.
    const guesses = Array.from(
      { length: 2000 },
      (_, i) => i % 3 === 2 ? code : wrongFor(code),
    );
    const results = await Promise.all(
      guesses.map((guess) => checkSmsCode(kv, MOBILE, "signup", guess, START)),
    );
    equal(compared(results), 5);
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", code, START), {
      ok: false,
      reason: "no_live_code",
    }, "five turns taken: the code answers nobody again");
  }));

Deno.test("2,000 simultaneous wrong guesses: five are told so, then the code is gone", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    const results = await Promise.all(
      Array.from(
        { length: 2000 },
        (_, i) =>
          checkSmsCode(
            kv,
            MOBILE,
            "signup",
            String((Number(code) + 1 + i) % 1e6).padStart(6, "0"),
            START,
          ),
      ),
    );
    equal(compared(results), 5);
    equal((await kv.get(smsCodeKey(kv, MOBILE, "signup"))).value, null);
  }));

Deno.test("a right guess takes a turn, and gives it back when its form failed for another reason", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    const right = await checkSmsCode(kv, MOBILE, "signup", code, START);
    if (!right.ok) throw new Error("expected the code to check out");
    await returnSmsCodeTurn(kv, right.entry, START);
    for (let guess = 1; guess <= 4; guess++) {
      equal(
        (await checkSmsCode(kv, MOBILE, "signup", wrongFor(code), START)).ok,
        false,
      );
    }
    const fifth = await checkSmsCode(kv, MOBILE, "signup", code, START);
    equal(fifth.ok, true, "the returned turn is the fifth");
    deepEqual(await checkSmsCode(kv, MOBILE, "signup", code, START), {
      ok: false,
      reason: "no_live_code",
    }, "kept, the fifth turn was the last");
    if (fifth.ok) {
      ok((await consumeSmsCodeIn(kv.atomic(), fifth.entry).commit()).ok);
    }
    deepEqual(
      await kv.getMany([
        smsCodeKey(kv, MOBILE, "signup"),
        guessesOf(kv, MOBILE),
      ]).then((rows) => rows.map((row) => row.value)),
      [null, null],
      "a consumed code leaves no row behind",
    );
  }));

Deno.test("a turn is not given back to a code consumed or replaced since", () =>
  withKv(async (kv) => {
    const code = await issued(kv);
    const right = await checkSmsCode(kv, MOBILE, "signup", code, START);
    if (!right.ok) throw new Error("expected the code to check out");
    const next = await issued(kv, START + 61_000);
    await checkSmsCode(kv, MOBILE, "signup", wrongFor(next), START + 61_000);
    await returnSmsCodeTurn(kv, right.entry, START + 61_000);
    equal(
      (await kv.get(guessesOf(kv, MOBILE))).value,
      1,
      "the new code keeps its count",
    );
  }));

const quiet = (mobile = MOBILE, client = CLIENT) =>
  request(mobile, client, "signup", true, true);

Deno.test("a request let through as the hour's first is refused once this mobile had a code in the hour", () =>
  withKv(async (kv) => {
    ok((await issueSmsCode(kv, quiet(), START)).ok);
    deepEqual(
      await issueSmsCode(kv, quiet(MOBILE, "198.51.100.7"), START + 61_000),
      { ok: false, reason: "not_quiet" },
    );
    ok(
      (await issueSmsCode(kv, request(MOBILE, "198.51.100.7"), START + 61_000))
        .ok,
      "with a solved image code it goes out",
    );
    ok(
      (await issueSmsCode(
        kv,
        quiet(MOBILE, "198.51.100.7"),
        START + 61_000 + QUIET_AFTER_S * 1000,
      )).ok,
      "an hour after the last, the mobile is quiet again",
    );
  }));

Deno.test("... or once this client had sent one in the hour, to any mobile", () =>
  withKv(async (kv) => {
    ok((await issueSmsCode(kv, quiet("13900139001"), START)).ok);
    deepEqual(await issueSmsCode(kv, quiet("13900139002"), START + 1000), {
      ok: false,
      reason: "not_quiet",
    });
  }));

Deno.test("of simultaneous first requests from one client, one goes out without an image code", () =>
  withKv(async (kv) => {
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) => issueSmsCode(kv, quiet(`1390013900${i}`), START),
      ),
    );
    equal(results.filter((result) => result.ok).length, 1);
    deepEqual(
      results.filter((result) => !result.ok).map((result) =>
        !result.ok && result.reason
      ),
      Array(9).fill("not_quiet"),
    );
  }));

Deno.test("the limits a request meets before its image code: the resend wait and the last hour", () =>
  withKv(async (kv) => {
    deepEqual(await readSendLimits(kv, MOBILE, CLIENT, START), {
      waiting: false,
      retryAfterS: 0,
      sentRecently: false,
    });
    await issued(kv);
    deepEqual(await readSendLimits(kv, MOBILE, "198.51.100.8", START + 1000), {
      waiting: true,
      retryAfterS: 59,
      sentRecently: true,
    });
    deepEqual(
      await readSendLimits(kv, "13900139009", CLIENT, START + 61_000),
      { waiting: false, retryAfterS: 0, sentRecently: true },
      "the client's last hour",
    );
    deepEqual(
      await readSendLimits(kv, MOBILE, CLIENT, START + QUIET_AFTER_S * 1000),
      { waiting: false, retryAfterS: 0, sentRecently: false },
    );
  }));

Deno.test("a request that does not apply counts toward the hour as one that did", () =>
  withKv(async (kv) => {
    ok(
      (await issueSmsCode(
        kv,
        request(MOBILE, CLIENT, "reset_password", false, true),
        START,
      )).ok,
    );
    equal(
      (await readSendLimits(kv, MOBILE, "x", START + 61_000)).sentRecently,
      true,
    );
  }));
