import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { SourceError } from "@/lib/import/source.ts";
import { DUMPDATA_TEXT, DUMPED, PEOPLE } from "@/tests/_django_shop.ts";

Deno.test("the dump Django wrote is read whole: every user and QQ row, times in UTC", () => {
  const source = readDumpdata(DUMPDATA_TEXT, "dumpdata.json", "UTC");
  equal(source.users.length, PEOPLE.length);
  equal(
    source.qqRows.length,
    PEOPLE.reduce((sum, p) => sum + (p.qq?.length ?? 0), 0),
  );
  const li = source.users.find((user) => user.username === "li36000")!;
  deepEqual(
    { ...li, password: li.password.split("$")[0] },
    {
      id: 1,
      username: "li36000",
      mobile: "13800000001",
      password: "pbkdf2_sha256",
      isActive: true,
      dateJoined: Date.UTC(2019, 2, 1, 8, 30),
      lastLogin: Date.UTC(2020, 10, 11, 12, 0, 0, 250),
    },
  );
  equal(
    source.users.find((u) => u.username === "chen_inactive")!.isActive,
    false,
  );
  equal(
    source.users.find((u) => u.username === "郑小明")!.mobile,
    "13800000008",
  );
  deepEqual(source.qqRows[0], {
    id: 1,
    userId: 1,
    openid: "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D",
    createdAt: Date.UTC(2019, 2, 2, 9),
    updatedAt: Date.UTC(2019, 2, 2, 9),
  });
});

Deno.test("a dump made another way reads the same", async (t) => {
  const expected = readDumpdata(DUMPDATA_TEXT, "dumpdata.json", "UTC");

  await t.step("JSON Lines (dumpdata --format jsonl)", () => {
    const lines = DUMPED.map((object) => JSON.stringify(object)).join("\n");
    deepEqual(readDumpdata(lines, "dump.jsonl", "UTC"), expected);
  });

  await t.step("natural foreign keys (dumpdata --natural-foreign)", () => {
    const byId = new Map(
      DUMPED.filter((o) => o.model === "users.user").map((o) => [
        o.pk,
        o.fields.username,
      ]),
    );
    const natural = DUMPED.map((o) =>
      o.model === "oauth.oauthqquser"
        ? {
          ...o,
          fields: { ...o.fields, user: [byId.get(o.fields.user as number)] },
        }
        : o
    );
    deepEqual(
      readDumpdata(JSON.stringify(natural), "dump.json", "UTC"),
      expected,
    );
  });

  await t.step("other models in the dump are passed over", () => {
    const more = [
      { model: "goods.sku", pk: 1, fields: { name: "手机" } },
      ...DUMPED,
    ];
    deepEqual(readDumpdata(JSON.stringify(more), "dump.json", "UTC"), expected);
  });

  await t.step(
    "other model labels, named by --user-model and --qq-model",
    () => {
      const renamed = DUMPED.map((o) => ({
        ...o,
        model: o.model === "users.user"
          ? "accounts.customer"
          : "social.qqlogin",
      }));
      deepEqual(
        readDumpdata(JSON.stringify(renamed), "dump.json", "UTC", {
          userModel: "accounts.Customer",
          qqModel: "social.QqLogin",
        }),
        expected,
      );
    },
  );
});

Deno.test("times without an offset (USE_TZ = False) are read in --time-zone", () => {
  const naive = DUMPED.map((o) => ({
    ...o,
    fields: Object.fromEntries(
      Object.entries(o.fields).map(([name, value]) => [
        name,
        typeof value === "string" && /^\d{4}-\d\d-\d\dT.*Z$/.test(value)
          ? value.slice(0, -1)
          : value,
      ]),
    ),
  }));
  const shanghai = readDumpdata(
    JSON.stringify(naive),
    "dump.json",
    "Asia/Shanghai",
  );
  const li = shanghai.users.find((user) => user.username === "li36000")!;
  equal(
    li.dateJoined,
    Date.UTC(2019, 2, 1, 0, 30),
    "08:30 in Shanghai is 00:30 UTC",
  );
  const utc = readDumpdata(JSON.stringify(naive), "dump.json", "UTC");
  deepEqual(utc, readDumpdata(DUMPDATA_TEXT, "dump.json", "UTC"));
});

Deno.test("a source that is not a Django dump of the shop is refused whole, in one line that names what and where", async (t) => {
  const users = DUMPED.filter((o) => o.model === "users.user");
  const li = users[0];
  const withLi = (fields: Record<string, unknown>) =>
    JSON.stringify([
      { ...li, fields: { ...li.fields, ...fields } },
      ...DUMPED.slice(1),
    ]);
  const cases: [string, string, RegExp][] = [
    ["empty", "  \n", /dump\.json is empty/],
    ["not JSON", "<html>", /dump\.json is not JSON written by dumpdata/],
    [
      "a JSON object, not a list",
      '{"model":"users.user"}',
      /object 1 is not a dumped model object/,
    ],
    [
      "a list of something else",
      "[1, 2]",
      /object 1 is not a dumped model object/,
    ],
    [
      "no user of the model",
      JSON.stringify(DUMPED.filter((o) => o.model !== "users.user")),
      /holds no users\.User objects \(it has oauth\.oauthqquser\): --user-model/,
    ],
    [
      "a user there twice",
      JSON.stringify([li, ...DUMPED]),
      /dump\.json: users\.User 1 is there twice/,
    ],
    [
      "a user without pk (--natural-primary)",
      JSON.stringify([{ model: "users.user", fields: li.fields }]),
      /has no pk: dump without --natural-primary/,
    ],
    [
      "a user without a mobile field",
      withLi({ mobile: undefined }),
      /users\.user 1: mobile is missing/,
    ],
    [
      "a date that is no date",
      withLi({ date_joined: "2019-02-30T00:00:00Z" }),
      /users\.user 1: date_joined is not a date and time/,
    ],
    [
      "is_active that is not a boolean",
      withLi({ is_active: "yes" }),
      /users\.user 1: is_active is not true or false/,
    ],
    [
      "an empty username",
      withLi({ username: "" }),
      /users\.user 1: username is empty/,
    ],
    [
      "a QQ row of no user id",
      JSON.stringify(
        DUMPED.map((o) =>
          o.model === "oauth.oauthqquser" && o.pk === 2
            ? { ...o, fields: { ...o.fields, user: "someone" } }
            : o
        ),
      ),
      /oauth\.oauthqquser 2: user_id is not a primary key/,
    ],
    [
      "an openid too long for the column",
      JSON.stringify(
        DUMPED.map((o) =>
          o.model === "oauth.oauthqquser" && o.pk === 2
            ? { ...o, fields: { ...o.fields, openid: "F".repeat(65) } }
            : o
        ),
      ),
      /oauth\.oauthqquser 2: openid is longer than 64 characters/,
    ],
  ];
  for (const [story, text, message] of cases) {
    await t.step(story, () => {
      throws(() => readDumpdata(text, "dump.json", "UTC"), (error: Error) => {
        ok(error instanceof SourceError, String(error));
        ok(message.test(error.message), error.message);
        ok(!error.message.includes("\n"), "one line");
        ok(
          !error.message.includes("13800000001") &&
            !error.message.includes("pbkdf2"),
          "quotes nothing personal",
        );
        return true;
      });
    });
  }
});

Deno.test("a time is a date of the calendar: leap days where there are leap days, and nothing past a month's end", () => {
  const li = DUMPED.find((o) => o.model === "users.user")!;
  const joined = (dateJoined: string) =>
    readDumpdata(
      JSON.stringify([{
        ...li,
        fields: { ...li.fields, date_joined: dateJoined },
      }]),
      "dump.json",
      "UTC",
    ).users[0].dateJoined;
  equal(
    joined("2020-02-29T23:59:59.999Z"),
    Date.UTC(2020, 1, 29, 23, 59, 59, 999),
  );
  equal(joined("2000-02-29T00:00:00Z"), Date.UTC(2000, 1, 29));
  equal(joined("2019-12-31 08:00:00.5"), Date.UTC(2019, 11, 31, 8, 0, 0, 500));
  equal(joined("2019-04-30T00:00:00+08:00"), Date.UTC(2019, 3, 29, 16));
  for (
    const notADate of [
      "2019-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "2019-04-31T00:00:00Z",
      "2019-13-01T00:00:00Z",
      "2019-00-10T00:00:00Z",
      "2019-01-00T00:00:00Z",
      "2019-01-01T24:00:00Z",
      "2019-01-01T23:60:00Z",
      "2019-01-01T23:59:60Z",
    ]
  ) {
    throws(
      () => joined(notADate),
      /date_joined is not a date and time/,
      notADate,
    );
  }
});
