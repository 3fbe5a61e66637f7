import { deepEqual, equal, ok } from "node:assert/strict";
import {
  checkSmsCode,
  consumeSmsCodeIn,
  DAILY_SENDS_PER_CLIENT,
  DAILY_SENDS_PER_MOBILE,
  issueSmsCode,
} from "@/lib/sms/codes.ts";
import { START } from "@/tests/_app.ts";

const MOBILE = "13800138000";
const CLIENT = "203.0.113.7";

async function issued(
  kv: Deno.Kv,
  now = START,
  mobile = MOBILE,
  client = CLIENT,
): Promise<string> {
  const result = await issueSmsCode(kv, mobile, client, now);
  if (!result.ok) throw new Error(`expected a code, got ${result.reason}`);
  return result.code;
}

Deno.test("SMS codes", async (t) => {
  const kv = await Deno.openKv(":memory:");

  await t.step("a code is six digits and checks out", async () => {
    const code = await issued(kv);
    ok(/^\d{6}$/.test(code));
    equal((await checkSmsCode(kv, MOBILE, code, START + 1000)).ok, true);
  });

  await t.step(
    "a second code within 60 s is refused, after 60 s it is sent",
    async () => {
      deepEqual(await issueSmsCode(kv, MOBILE, CLIENT, START + 59_000), {
        ok: false,
        reason: "too_frequent",
      });
      ok((await issueSmsCode(kv, MOBILE, CLIENT, START + 60_000)).ok);
    },
  );

  await t.step("a code expires after 300 s", async () => {
    const code = await issued(kv, START + 120_000, "13900139000");
    equal(
      (await checkSmsCode(kv, "13900139000", code, START + 120_000 + 299_000))
        .ok,
      true,
    );
    deepEqual(
      await checkSmsCode(kv, "13900139000", code, START + 120_000 + 300_000),
      {
        ok: false,
        reason: "no_live_code",
      },
    );
  });

  await t.step("a code never sent is no live code", async () => {
    deepEqual(await checkSmsCode(kv, "13700137000", "123456", START), {
      ok: false,
      reason: "no_live_code",
    });
  });

  await t.step(
    "a fifth wrong guess burns the code, so a sixth guess fails even when right",
    async () => {
      const mobile = "13600136000";
      const code = await issued(kv, START, mobile);
      const wrong = code === "000000" ? "111111" : "000000";
      for (let guess = 1; guess <= 5; guess++) {
        deepEqual(await checkSmsCode(kv, mobile, wrong, START), {
          ok: false,
          reason: "wrong_code",
        }, `guess ${guess}`);
      }
      deepEqual(await checkSmsCode(kv, mobile, code, START), {
        ok: false,
        reason: "no_live_code",
      });
    },
  );

  await t.step("parallel wrong guesses are all counted", async () => {
    const mobile = "13500135000";
    const code = await issued(kv, START, mobile);
    const wrong = code === "000000" ? "111111" : "000000";
    await Promise.all(
      Array.from({ length: 5 }, () => checkSmsCode(kv, mobile, wrong, START)),
    );
    deepEqual(await checkSmsCode(kv, mobile, code, START), {
      ok: false,
      reason: "no_live_code",
    });
  });

  await t.step("a consumed code cannot be used again", async () => {
    const mobile = "13400134000";
    const code = await issued(kv, START, mobile);
    const check = await checkSmsCode(kv, mobile, code, START);
    if (!check.ok) throw new Error("expected a live code");
    ok((await consumeSmsCodeIn(kv.atomic(), check.entry).commit()).ok);
    equal(
      (await consumeSmsCodeIn(kv.atomic(), check.entry).commit()).ok,
      false,
    );
    deepEqual(await checkSmsCode(kv, mobile, code, START), {
      ok: false,
      reason: "no_live_code",
    });
  });

  await t.step("one mobile gets at most 10 codes a day", async () => {
    const mobile = "13300133000";
    for (let i = 0; i < DAILY_SENDS_PER_MOBILE; i++) {
      await issued(kv, START + i * 61_000, mobile, `198.51.100.${i}`);
    }
    deepEqual(
      await issueSmsCode(kv, mobile, "198.51.100.200", START + 11 * 61_000),
      {
        ok: false,
        reason: "daily_cap",
      },
    );
  });

  await t.step("one client gets at most 50 codes a day", async () => {
    const client = "192.0.2.1";
    for (let i = 0; i < DAILY_SENDS_PER_CLIENT; i++) {
      await issued(kv, START, `131${String(i).padStart(8, "0")}`, client);
    }
    deepEqual(await issueSmsCode(kv, "13188888888", client, START), {
      ok: false,
      reason: "daily_cap",
    });
  });

  await t.step(
    "simultaneous requests for one mobile send one code",
    async () => {
      const results = await Promise.all(
        Array.from(
          { length: 10 },
          () => issueSmsCode(kv, "13200132000", CLIENT + "x", START),
        ),
      );
      equal(
        results.filter((result) => result.ok).length,
        1,
      );
    },
  );

  kv.close();
});
