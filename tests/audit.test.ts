import { deepEqual, equal, ok } from "node:assert/strict";
import {
  auditKeys,
  type AuditRecord,
  auditRecordsOf,
  recordAudit,
  REFUSALS_KEPT_PER_CLIENT,
  REFUSALS_KEPT_PER_HOUR,
} from "@/lib/audit.ts";
import { keyedKv, listKv, START } from "@/tests/_app.ts";

const HOUR = 3600_000;

/** The audit records kept, oldest first. */
async function listAudit(kv: Deno.Kv): Promise<AuditRecord[]> {
  const records = [];
  for await (const entry of kv.list<AuditRecord>(auditKeys.since(0))) {
    records.push(entry.value);
  }
  return records;
}

async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

const refusal = (clientAddress: string) => ({
  action: "login" as const,
  outcome: "refused: malformed",
  clientAddress,
});

Deno.test("refused requests do not grow the audit trail without bound", async (t) => {
  await t.step(
    "300 refusals from one client keep 10 rows, sent one by one or all at once",
    async () => {
      for (const burst of [false, true]) {
        using kv = await keyedKv();
        await quietly(async () => {
          const send = (i: number) =>
            recordAudit(kv, refusal("203.0.113.7"), START + i);
          if (burst) {
            await Promise.all(Array.from({ length: 300 }, (_, i) => send(i)));
          } else {
            for (let i = 0; i < 300; i++) await send(i);
          }
        });
        equal((await listAudit(kv)).length, REFUSALS_KEPT_PER_CLIENT);
      }
    },
  );

  await t.step("300 refusals from 300 clients keep 200 rows", async () => {
    using kv = await keyedKv();
    await quietly(async () => {
      for (let i = 0; i < 300; i++) {
        await recordAudit(kv, refusal(`198.51.100.${i}`), START + i);
      }
    });
    equal((await listAudit(kv)).length, REFUSALS_KEPT_PER_HOUR);
  });

  await t.step("an hour later a client's refusals are kept again", async () => {
    using kv = await keyedKv();
    await quietly(async () => {
      for (let i = 0; i < 20; i++) {
        await recordAudit(kv, refusal("203.0.113.7"), START + i);
      }
      await recordAudit(kv, refusal("203.0.113.7"), START + HOUR + 1);
    });
    equal((await listAudit(kv)).length, REFUSALS_KEPT_PER_CLIENT + 1);
  });

  await t.step("what succeeded is always kept", async () => {
    using kv = await keyedKv();
    await quietly(async () => {
      for (let i = 0; i < 20; i++) {
        await recordAudit(kv, refusal("203.0.113.7"), START + i);
      }
      for (let i = 0; i < 20; i++) {
        await recordAudit(kv, {
          action: "login",
          outcome: "logged_in",
          clientAddress: "203.0.113.7",
          userId: "u1",
        }, START + 100 + i);
      }
    });
    const outcomes = (await listAudit(kv)).map((record) => record.outcome);
    equal(outcomes.filter((o) => o === "logged_in").length, 20);
  });
});

Deno.test("the audit trail keeps mobiles masked, in the log and in KV", async () => {
  using kv = await keyedKv();
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await recordAudit(kv, {
      action: "register",
      outcome: "created",
      clientAddress: "203.0.113.7",
      userId: "u1",
      mobile: "13800138000",
    }, START);
  } finally {
    console.log = log;
  }
  const rows = await listKv(kv, ["audit"]);
  equal((rows[0][1] as { mobile: string }).mobile, "138****8000");
  equal(JSON.parse(lines[0]).audit.mobile, "138****8000");
  deepEqual(JSON.stringify(rows).includes("13800138000"), false);
});

Deno.test("an audit record names no one: the address as its network, the provider uid as a pseudonym", async (t) => {
  using kv = await keyedKv();
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  const bound = (uid: string, clientAddress: string) =>
    recordAudit(kv, {
      action: "bind",
      outcome: "bound",
      clientAddress,
      userId: "u1",
      provider: "wechat",
      uid,
    }, START);
  try {
    await bound("unionid:oU7Ld9wqR3Hh5sVeY1f2g3h4i5j6", "203.0.113.77");
    await bound(
      "unionid:oU7Ld9wqR3Hh5sVeY1f2g3h4i5j6",
      "2001:db8:85a3::8a2e:370:7334",
    );
    await bound("openid:oQ8Yk5xmI2Jg4pTfZ0a1b2c3d4e5", "::ffff:198.51.100.9");
  } finally {
    console.log = log;
  }
  const kept = (await listAudit(kv)).map(({ clientAddress, uid }) => ({
    clientAddress,
    uid,
  }));
  const logged = lines.map((line) => JSON.parse(line).audit);

  await t.step("in KV and in the log alike, only the network", () => {
    deepEqual(kept.map((record) => record.clientAddress).sort(), [
      "198.51.100.0/24",
      "2001:db8:85a3::/48",
      "203.0.113.0/24",
    ]);
    deepEqual(
      logged.map((record) => record.clientAddress).sort(),
      kept.map((record) => record.clientAddress).sort(),
    );
  });
  await t.step(
    "one identity's records still go together, another's apart",
    () => {
      const uids = logged.map((record) => record.uid);
      equal(uids[0], uids[1]);
      ok(uids[0] !== uids[2]);
      ok(uids.every((uid) => /^[0-9a-f]{32}$/.test(uid)), uids.join());
    },
  );
  await t.step("nothing of the uid or the address is left", async () => {
    const everything = JSON.stringify(await listKv(kv)) + lines.join("\n");
    for (
      const secret of [
        "oU7Ld9wqR3Hh5sVeY1f2g3h4i5j6",
        "oQ8Yk5xmI2Jg4pTfZ0a1b2c3d4e5",
        "203.0.113.77",
        "8a2e:370:7334",
        "198.51.100.9",
      ]
    ) ok(!everything.includes(secret), secret);
  });
});

Deno.test("an account's audit records are kept under it too, read newest first and at most as many as asked", async () => {
  using kv = await keyedKv();
  await quietly(async () => {
    for (let i = 0; i < 5; i++) {
      await recordAudit(kv, {
        action: "login",
        outcome: "logged_in",
        clientAddress: "203.0.113.7",
        userId: "u1",
        mobile: "13800138000 ",
      }, START + i * HOUR);
    }
    await recordAudit(kv, {
      action: "login",
      outcome: "logged_in",
      clientAddress: "203.0.113.8",
      userId: "u2",
    }, START);
    await recordAudit(kv, refusal("203.0.113.9"), START);
  });
  const mine = await auditRecordsOf(kv, "u1", 3);
  deepEqual(
    mine.map((record) => record.time),
    [4, 3, 2].map((i) => new Date(START + i * HOUR).toISOString()),
  );
  ok(mine.every((record) => record.userId === "u1"));
  equal((await auditRecordsOf(kv, "u2")).length, 1);
  equal((await listKv(kv, ["audit_by_user"])).length, 6, "none for no account");
  // A mobile typed with a stray character is a full mobile all the same: masked.
  ok(!JSON.stringify(await listKv(kv)).includes("13800138000"));
});
