import { deepEqual, equal, ok } from "node:assert/strict";
import { changeMobile } from "@/lib/accounts/mobile_change.ts";
import { findUserByLogin, getUser } from "@/lib/accounts/users.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { messages } from "@/lib/messages.ts";
import { type SmsCode, WRONG_GUESSES_ALLOWED } from "@/lib/sms/codes.ts";
import { sendSmsAsAPerson, type TestApp, testApp } from "@/tests/_app.ts";
import { CLIENT, PASSWORD, smsCode, userWith } from "./_accounts.ts";

Deno.test("changing the mobile moves the user, its index and a username that was the mobile", async () => {
  const app = await testApp();
  const user = await userWith(app, "13800138000");
  const sms_code = await smsCode(app, "13900139000", "change_mobile");
  const result = await changeMobile(app, user, {
    password: PASSWORD,
    mobile: "13900139000",
    sms_code,
  }, CLIENT);
  ok(result.ok);
  const moved = await getUser(app.kv, user.id);
  equal(moved?.mobile, "13900139000");
  equal(moved?.username, "13900139000");
  equal((await findUserByLogin(app.kv, "13900139000"))?.id, user.id);
  equal(
    await findUserByLogin(app.kv, "13800138000"),
    null,
    "the old mobile is free",
  );
  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});

Deno.test("two simultaneous changes to one new mobile: exactly one wins", async () => {
  const app = await testApp();
  for (let trial = 0; trial < 10; trial++) {
    const users = await Promise.all([
      userWith(app, `1380000${trial}001`),
      userWith(app, `1380000${trial}002`),
    ]);
    const target = `1390000000${trial}`;
    const sms_code = await smsCode(app, target, "change_mobile");
    const results = await Promise.all(
      users.map((user) =>
        changeMobile(app, user, {
          password: PASSWORD,
          mobile: target,
          sms_code,
        }, CLIENT)
      ),
    );
    equal(
      results.filter((result) => result.ok).length,
      1,
      JSON.stringify(results),
    );
    const lost = results.find((result) => !result.ok)!;
    ok(
      !lost.ok &&
        ([messages.mobileTaken, messages.smsCodeInvalid] as string[])
          .includes(lost.message),
      JSON.stringify(lost),
    );
    const winner = users[results.findIndex((result) => result.ok)];
    equal((await findUserByLogin(app.kv, target))?.id, winner.id);
  }
  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});

Deno.test("a mobile change says a mobile is taken only to whoever holds its code", async (t) => {
  const app = await testApp();
  const user = await userWith(app, "13800138000");
  const taken = "13600136000";
  await userWith(app, taken);
  const free = "13700137000";
  const change = async (mobile: string, sms_code: string) => {
    const result = await changeMobile(
      app,
      user,
      { password: PASSWORD, mobile, sms_code },
      CLIENT,
    );
    return result.ok ? "changed" : `${result.field}: ${result.message}`;
  };
  const wrong = `sms_code: ${messages.smsCodeWrong}`;
  const invalid = `sms_code: ${messages.smsCodeInvalid}`;

  await t.step(
    "a taken and a free mobile are told alike, probe for probe",
    async () => {
      const told = async (mobile: string) => {
        const answers = [await change(mobile, "000000")];
        app.clock.now += 61_000;
        deepEqual(
          await sendSmsAsAPerson(
            app,
            { mobile, purpose: "change_mobile" },
            CLIENT,
          ),
          { ok: true },
        );
        const code = await liveCode(app, mobile);
        // Wrong whatever the code is (and a taken mobile's is never right).
        const guess = String((Number(code ?? 0) + 1) % 1e6).padStart(6, "0");
        for (let i = 0; i <= WRONG_GUESSES_ALLOWED; i++) {
          answers.push(await change(mobile, guess));
        }
        return answers;
      };
      const atTaken = await told(taken);
      deepEqual(atTaken, [
        invalid,
        ...Array(WRONG_GUESSES_ALLOWED).fill(wrong),
        invalid,
      ]);
      deepEqual(await told(free), atTaken);
    },
  );

  await t.step(
    "the code its holder got, for a mobile taken since, is told so",
    async () => {
      const sms_code = await smsCode(app, free, "change_mobile");
      await userWith(app, free);
      equal(
        await change(free, sms_code),
        `mobile: ${messages.mobileTaken}`,
      );
    },
  );
  app.close();
});

async function liveCode(app: TestApp, mobile: string) {
  const { value } = await app.kv.get<SmsCode>([
    "sms_codes",
    mobile,
    "change_mobile",
  ]);
  return value?.code;
}
