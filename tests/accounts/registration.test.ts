import { deepEqual, equal, ok } from "node:assert/strict";
import { messages } from "@/lib/messages.ts";
import { registerUser } from "@/lib/accounts/registration.ts";
import { findUserByLogin } from "@/lib/accounts/users.ts";
import { sendSmsAsAPerson, testApp } from "@/tests/_app.ts";

Deno.test("registration", async (t) => {
  const app = await testApp();

  await t.step(
    "a mobile, a password and the SMS code make an account named by the mobile",
    async () => {
      ok(
        (await sendSmsAsAPerson(app, { mobile: "13800138001" }, "10.0.0.1")).ok,
      );
      const result = await registerUser(app, {
        mobile: "13800138001",
        password: "secret123",
        sms_code: app.outbox.get("13800138001")!,
        allow: "on",
      }, "10.0.0.1");
      if (!result.ok) throw new Error(result.message);
      equal(result.user.username, "13800138001");
      equal((await findUserByLogin(app.kv, "13800138001"))?.id, result.user.id);
    },
  );

  await t.step(
    "a taken mobile is refused and the code is not spent",
    async () => {
      app.clock.now += 61_000;
      await sendSmsAsAPerson(app, { mobile: "13800138001" }, "10.0.0.1");
      const fields = {
        mobile: "13800138001",
        password: "secret123",
        sms_code: app.outbox.get("13800138001")!,
        allow: "on",
      };
      deepEqual(await registerUser(app, fields, "10.0.0.1"), {
        ok: false,
        field: "mobile",
        message: messages.mobileTaken,
      });
    },
  );

  await t.step("bad fields get the contract's messages", async () => {
    // Each field left empty says so under it, beside the form's 缺少必传参数.
    deepEqual(await registerUser(app, { mobile: "13800138002" }, "10.0.0.1"), {
      ok: false,
      field: "form",
      message: messages.missingFields,
      fieldErrors: {
        password: messages.passwordMissing,
        sms_code: messages.smsCodeMissing,
      },
    });
    deepEqual(
      await registerUser(app, {
        mobile: "138",
        password: "secret123",
        sms_code: "1",
        allow: "on",
      }, "10.0.0.1"),
      {
        ok: false,
        field: "mobile",
        message: messages.invalidMobile,
      },
    );
  });

  await t.step(
    "ten registrations racing for one mobile make one account",
    async () => {
      await sendSmsAsAPerson(app, { mobile: "13800138003" }, "10.0.0.1");
      const fields = {
        mobile: "13800138003",
        password: "secret123",
        sms_code: app.outbox.get("13800138003")!,
        allow: "on",
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => registerUser(app, fields, "10.0.0.1")),
      );
      equal(results.filter((result) => result.ok).length, 1);
    },
  );

  await t.step(
    "one that loses the race for its mobile with a right code hears the mobile is taken",
    async () => {
      app.clock.now += 61_000;
      await sendSmsAsAPerson(app, { mobile: "13800138004" }, "10.0.0.1");
      const fields = {
        mobile: "13800138004",
        password: "secret123",
        sms_code: app.outbox.get("13800138004")!,
        allow: "on",
      };
      // The winner registers between the loser's turn at the code and the loser's write of the account.
      let commits = 0;
      let winner: Promise<unknown> | undefined;
      const kv = new Proxy(app.kv, {
        get(target, property) {
          if (property !== "atomic") {
            const value = Reflect.get(target, property, target);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return () => {
            const op = target.atomic();
            const commit = op.commit.bind(op);
            op.commit = async () => {
              if (++commits === 2) {
                await (winner = registerUser(app, fields, "10.0.0.2"));
              }
              return await commit();
            };
            return op;
          };
        },
      });
      const lost = await registerUser({ ...app, kv }, fields, "10.0.0.1");
      ok(((await winner) as { ok: boolean }).ok);
      deepEqual(lost, {
        ok: false,
        field: "mobile",
        message: messages.mobileTaken,
      });
    },
  );

  app.close();
});
