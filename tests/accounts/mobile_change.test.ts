import { deepEqual, equal, ok } from "node:assert/strict";
import { changeMobile } from "@/lib/accounts/mobile_change.ts";
import { findUserByLogin, getUser } from "@/lib/accounts/users.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { messages } from "@/lib/messages.ts";
import { testApp } from "@/tests/_app.ts";
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
