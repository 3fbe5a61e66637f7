// Two people changing their mobiles to the same new one at the same moment, over real HTTP: exactly one
// gets it, the other is told, and the KV's users and indexes stay consistent.
import { deepEqual, equal, ok } from "node:assert/strict";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import { AppServer, inspectKv, tempKv } from "@/tests/_app_server.ts";
import { consentedIn } from "@/tests/_app.ts";
import {
  mobile,
  newClientAddress,
  onlyMessage,
  PASSWORD,
  postForm,
  requestSmsCode,
  tally,
} from "./_client.ts";

const ROUNDS = 8;
const PEOPLE = 4;

async function seed(path: string) {
  const kv = await Deno.openKv(path);
  const passwordHash = await createPasswordHasher(4, 0).hash(PASSWORD);
  const op = kv.atomic();
  for (let round = 0; round < ROUNDS; round++) {
    for (let person = 0; person < PEOPLE; person++) {
      const user = newUser(
        mobile("135", round * 10 + person),
        passwordHash,
        Date.now(),
      );
      consentedIn(createUserIn(op, user), user.id);
    }
  }
  ok((await op.commit()).ok);
  kv.close();
}

async function logIn(server: AppServer, username: string): Promise<string> {
  const answer = await postForm(server, "/login", {
    username,
    password: PASSWORD,
  }, {
    "x-forwarded-for": newClientAddress(),
  });
  equal(answer.status, 303);
  return answer.cookies.find((c) => c.startsWith("session="))!.split(";")[0];
}

Deno.test(`${PEOPLE} simultaneous mobile changes to one new mobile, ${ROUNDS} times over HTTP: exactly one wins each time`, async () => {
  await using kvFile = await tempKv();
  await seed(kvFile.path);
  await using server = await AppServer.start(kvFile.path);
  const outcomes: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const people = Array.from(
      { length: PEOPLE },
      (_, i) => mobile("135", round * 10 + i),
    );
    const cookies = await Promise.all(
      people.map((person) => logIn(server, person)),
    );
    const target = mobile("137", round);
    const sent = await requestSmsCode(server, target, newClientAddress(), {
      purpose: "change_mobile",
    });
    equal(sent.status, 200);
    const sms_code = await server.readSms(target);
    const answers = await Promise.all(
      cookies.map((cookie) =>
        postForm(server, "/account/mobile", {
          password: PASSWORD,
          mobile: target,
          sms_code,
        }, { cookie, "x-forwarded-for": newClientAddress() })
      ),
    );
    outcomes.push(
      ...answers.map((a) => `${a.status} ${onlyMessage(a)}`.trim()),
    );
    equal(
      answers.filter((a) => a.status === 303).length,
      1,
      JSON.stringify(answers.map((a) => a.status)),
    );
    for (const lost of answers.filter((a) => a.status !== 303)) {
      equal(lost.status, 400);
      ok(
        ([messages.mobileTaken, messages.smsCodeInvalid] as string[]).includes(
          onlyMessage(lost),
        ),
        onlyMessage(lost),
      );
    }
  }
  console.log(`outcomes: ${JSON.stringify(tally(outcomes))}`);
  deepEqual(server.stderr, []);
  await server.stop();
  const { invariants, rowsOf } = await inspectKv(kvFile.path);
  deepEqual(invariants.problems, []);
  const byMobile = rowsOf<string>("users_by_mobile").map(({ key }) =>
    String(key[1])
  );
  for (let round = 0; round < ROUNDS; round++) {
    ok(
      byMobile.includes(mobile("137", round)),
      "the new mobile has its one owner",
    );
  }
  equal(rowsOf("users").length, ROUNDS * PEOPLE, "no user was lost or made");
});
