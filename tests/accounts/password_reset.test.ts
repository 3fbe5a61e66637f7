// A reset by SMS tells nobody whether a mobile has an account: a mobile without one answers every step
// of the form as a member's mobile whose code is not known.
import { deepEqual, equal, ok } from "node:assert/strict";
import { resetPassword } from "@/lib/accounts/password_reset.ts";
import { messages } from "@/lib/messages.ts";
import {
  type SmsCode,
  smsCodeKey,
  WRONG_GUESSES_ALLOWED,
} from "@/lib/sms/codes.ts";
import { sendSmsAsAPerson, type TestApp, testApp } from "@/tests/_app.ts";
import { CLIENT, userWith } from "./_accounts.ts";

const MEMBER = "13800138000";
const STRANGER = "13900139000";
const NEW_PASSWORD = "newsecret456";

/** What each step of a guesser's probe of `mobile` is told: no code asked for, then one asked for. */
async function probe(app: TestApp, mobile: string) {
  const reset = async (sms_code: string) => {
    const result = await resetPassword(app, {
      mobile,
      password: NEW_PASSWORD,
      sms_code,
    }, CLIENT);
    return result.ok ? "reset" : `${result.field}: ${result.message}`;
  };
  const told = [await reset("000000")];
  app.clock.now += 61_000;
  const sent = await sendSmsAsAPerson(
    app,
    { mobile, purpose: "reset_password" },
    CLIENT,
  );
  deepEqual(sent, { ok: true });
  const { value } = await app.kv.get<SmsCode>(
    smsCodeKey(app.kv, mobile, "reset_password"),
  );
  // Wrong whatever the code is; a mobile left without a code row is guessed at all the same.
  const wrong = String((Number(value?.code ?? 0) + 1) % 1e6).padStart(6, "0");
  for (let i = 0; i <= WRONG_GUESSES_ALLOWED; i++) {
    told.push(await reset(wrong));
  }
  return told;
}

Deno.test("a reset for a mobile without an account answers as a member's wrong code does", async () => {
  const app = await testApp();
  await userWith(app, MEMBER);
  const member = await probe(app, MEMBER);
  const stranger = await probe(app, STRANGER);
  const wrong = `sms_code: ${messages.smsCodeWrong}`;
  const invalid = `sms_code: ${messages.smsCodeInvalid}`;
  deepEqual(member, [
    invalid,
    ...Array(WRONG_GUESSES_ALLOWED).fill(wrong),
    invalid,
  ]);
  deepEqual(stranger, member);
  app.close();
});

Deno.test("the code made for a mobile without an account reaches no one and matches no guess", async () => {
  const app = await testApp();
  deepEqual(
    await sendSmsAsAPerson(
      app,
      { mobile: STRANGER, purpose: "reset_password" },
      CLIENT,
    ),
    { ok: true },
  );
  equal(app.sent.length, 0);
  const made = await app.kv.get<SmsCode>(
    smsCodeKey(app.kv, STRANGER, "reset_password"),
  );
  ok(made.value, "a code row, as for a member");
  const result = await resetPassword(app, {
    mobile: STRANGER,
    password: NEW_PASSWORD,
    sms_code: made.value.code,
  }, CLIENT);
  deepEqual(result, {
    ok: false,
    field: "sms_code",
    message: messages.smsCodeWrong,
  });
  app.close();
});
