// kill -9 in the middle of a bind load, then a restart on the same KV file: every bind happened whole or
// not at all, what was acknowledged stays, and a retry finishes exactly the binds the crash cut short.
import { deepEqual, equal, ok } from "node:assert/strict";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { messages } from "@/lib/messages.ts";
import {
  bind,
  type BindFields,
  bindToken,
  type FormAnswer,
  inParallel,
  mobile,
  newClientAddress,
  newOpenid,
  onlyMessage,
  PASSWORD,
  smsCode,
  tally,
} from "./_client.ts";
import { AppServer, inspectKv, tempKv } from "@/tests/_app_server.ts";

const IN_FLIGHT = 60;
/** The kill comes once this many binds have been answered: the rest are mid-way. */
const KILL_AFTER_ANSWERS = 10;

interface Attempt {
  openid: string;
  fields: BindFields;
  answer: FormAnswer | null;
}

/** What the KV says about each attempt: each part of the one atomic write, separately. */
async function writtenParts(path: string, attempts: Attempt[]) {
  const { invariants, rowsOf, pseudonymOf } = await inspectKv(path);
  const userOf = new Map(
    rowsOf<string>("users_by_mobile").map(({ key, value }) => [key[1], value]),
  );
  const bindingOf = new Map(
    rowsOf<{ userId: string }>("bindings").map((
      { key, value },
    ) => [key[2], value.userId]),
  );
  const liveCodes = new Set(rowsOf("sms_codes").map(({ key }) => key[1]));
  // A used bind token's row says whom it was bound to; rows are keyed by the token's hash.
  const usedTokens = new Set(
    rowsOf<{ bound?: unknown }>("bind_tokens").filter(({ value }) =>
      value.bound
    ).map(({ key }) => key[1]),
  );
  const parts = attempts.map(({ openid, fields }) => {
    const tokenKey = sha256Hex(fields.access_token);
    const userId = userOf.get(fields.mobile);
    return {
      user: userId !== undefined,
      binding: userId !== undefined && bindingOf.get(openid) === userId,
      codeUsed: !liveCodes.has(pseudonymOf("mobile", fields.mobile)),
      tokenUsed: usedTokens.has(tokenKey),
    };
  });
  return { invariants, parts, users: userOf.size, bindings: bindingOf.size };
}

Deno.test("kill -9 during a bind load: whole binds or none, and the restarted app binds", async (t) => {
  await using kvFile = await tempKv();
  const first = await AppServer.start(kvFile.path);
  let attempts: Attempt[] = [];
  let committed: boolean[] = [];

  await t.step(
    `the server is killed with ${IN_FLIGHT} binds in flight`,
    async () => {
      try {
        const openids = Array.from({ length: IN_FLIGHT }, newOpenid);
        const mobiles = openids.map((_, i) => mobile("188", i));
        const tokens = await inParallel(openids, 8, (o) => bindToken(first, o));
        const codes = await inParallel(mobiles, 8, (m) => smsCode(first, m));
        attempts = openids.map((openid, i) => ({
          openid,
          answer: null,
          fields: {
            mobile: mobiles[i],
            password: PASSWORD,
            sms_code: codes[i],
            access_token: tokens[i],
          },
        }));
        let answered = 0;
        const enoughAnswered = Promise.withResolvers<void>();
        const load = Promise.all(attempts.map(async (attempt) => {
          try {
            attempt.answer = await bind(
              first,
              attempt.fields,
              newClientAddress(),
            );
            if (++answered === KILL_AFTER_ANSWERS) enoughAnswered.resolve();
          } catch {
            // Cut off by the kill: the client never learns what happened.
          }
        }));
        await enoughAnswered.promise;
        await first.kill();
        await load;
      } finally {
        await first.kill();
      }
      const outcomes = attempts.map(({ answer }) =>
        answer ? `${answer.status} ${onlyMessage(answer)}`.trim() : "no answer"
      );
      console.log(`before the kill: ${JSON.stringify(tally(outcomes))}`);
      ok(
        attempts.some(({ answer }) => !answer),
        "some binds were still in flight",
      );
      for (const { answer } of attempts) {
        if (answer) equal(answer.status, 303, onlyMessage(answer));
      }
    },
  );

  await t.step(
    "each bind was written whole or not at all, and every 303 was kept",
    async () => {
      const { invariants, parts } = await writtenParts(kvFile.path, attempts);
      deepEqual(invariants.problems, []);
      parts.forEach((part, i) => {
        const { mobile } = attempts[i].fields;
        const all = [part.user, part.binding, part.codeUsed, part.tokenUsed];
        ok(
          all.every((x) => x === all[0]),
          `${mobile}: half written ${JSON.stringify(part)}`,
        );
        if (attempts[i].answer) ok(part.user, `${mobile}: answered 303, lost`);
      });
      committed = parts.map((part) => part.user);
      const cutOff = attempts.filter(({ answer }) => !answer).length;
      const unanswered = committed.filter((c, i) => c && !attempts[i].answer);
      console.log(
        `after the kill: ${
          committed.filter(Boolean).length
        } binds written (${unanswered.length} of ${cutOff} cut off were written before the kill)`,
      );
    },
  );

  await using second = await AppServer.start(kvFile.path);

  await t.step(
    "retrying every bind on the restarted server completes exactly the unwritten ones",
    async () => {
      const retries = await Promise.all(
        attempts.map(({ fields }) => bind(second, fields, newClientAddress())),
      );
      console.log(
        `retries: ${
          JSON.stringify(tally(retries.map((r) =>
            `${r.status} ${onlyMessage(r)}`
          )))
        }`,
      );
      retries.forEach((retry, i) => {
        const { mobile } = attempts[i].fields;
        if (committed[i]) {
          equal(retry.status, 400, `${mobile} was bound already`);
          equal(onlyMessage(retry), messages.smsCodeInvalid, mobile);
        } else {
          equal(retry.status, 303, `${mobile}: ${onlyMessage(retry)}`);
        }
      });
    },
  );

  await t.step(
    "a new QQ user binds and lands logged in on the restarted server",
    async () => {
      const newMobile = mobile("187", 1);
      const answer = await bind(second, {
        mobile: newMobile,
        password: PASSWORD,
        sms_code: await smsCode(second, newMobile),
        access_token: await bindToken(second, newOpenid()),
      });
      equal(answer.status, 303, onlyMessage(answer));
      const session = answer.cookies.find((c) => c.startsWith("session="))!;
      const account = await fetch(`${second.origin}/account`, {
        headers: { cookie: session.split(";")[0] },
      });
      const html = await account.text();
      equal(account.status, 200);
      ok(
        html.includes(`${newMobile.slice(0, 3)}****${newMobile.slice(7)}`),
        "the account page shows the new mobile, masked",
      );
      ok(html.includes("已绑定"), "and its QQ binding");
    },
  );

  await t.step(
    "every bind is now written once, and the invariants hold",
    async () => {
      deepEqual(second.stderr, []);
      await second.stop();
      const { invariants, parts, users, bindings } = await writtenParts(
        kvFile.path,
        attempts,
      );
      deepEqual(invariants.problems, []);
      ok(parts.every((p) => p.user && p.binding && p.codeUsed && p.tokenUsed));
      equal(users, IN_FLIGHT + 1);
      equal(bindings, IN_FLIGHT + 1);
    },
  );
});
