// Racing binds over real HTTP: many browsers post at once for one QQ account, one mobile, or a mix, and
// the contract's "one user per mobile, one binding per openid and per user" must survive the race.
import { deepEqual, equal, ok } from "node:assert/strict";
import { messages, providerMessages } from "@/lib/messages.ts";

const QQ_LOGIN_FAILED = providerMessages("QQ").loginFailed;
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
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

const RACERS = 100;
const SETUP_IN_FLIGHT = 8;
/** An account that registered before the server started (a second code within 60 s is refused). */
const EXISTING = { mobile: "13600000001", password: "existing123" };

type Outcome = { fields: BindFields; answer: FormAnswer };

/** Posts every bind at once, each from its own client address. */
function raceBinds(server: AppServer, binds: BindFields[]): Promise<Outcome[]> {
  return Promise.all(binds.map(async (fields) => ({
    fields,
    answer: await bind(server, fields, newClientAddress()),
  })));
}

function describe(outcomes: Outcome[]): string {
  return JSON.stringify(
    tally(
      outcomes.map(({ answer }) =>
        [answer.status, onlyMessage(answer), answer.reason].filter(Boolean)
          .join(" ")
      ),
    ),
  );
}

function assertLosers(outcomes: Outcome[], allowed: string[]) {
  for (const { fields, answer } of outcomes) {
    if (answer.status === 303) continue;
    equal(answer.status, 400, `${fields.mobile}: ${answer.status}`);
    ok(
      allowed.includes(onlyMessage(answer)),
      `${fields.mobile}: unexpected message "${onlyMessage(answer)}"`,
    );
  }
}

Deno.test("racing binds leave one user and one binding where the contract says so", async (t) => {
  await using kvFile = await tempKv();
  const seed = await Deno.openKv(kvFile.path);
  const hasher = createPasswordHasher(4, 0);
  const existing = newUser(
    EXISTING.mobile,
    await hasher.hash(EXISTING.password),
    Date.now(),
  );
  ok((await createUserIn(seed.atomic(), existing).commit()).ok);
  seed.close();

  await using server = await AppServer.start(kvFile.path);
  const openidRace = { openid: newOpenid(), winner: "" };
  const mobileRace = { mobile: mobile("138", 1), winner: "" };
  const mixed = {
    contested: newOpenid(),
    rightOpenids: [] as string[],
    rightPassword: [] as Outcome[],
    wrongPassword: [] as Outcome[],
    contestedNewUsers: [] as Outcome[],
    independent: [] as Outcome[],
  };

  await t.step(
    `${RACERS} binds of one QQ account to ${RACERS} mobiles: one wins`,
    async () => {
      const { openid } = openidRace;
      const mobiles = Array.from(
        { length: RACERS },
        (_, i) => mobile("139", i),
      );
      const tokens = await inParallel(
        mobiles,
        SETUP_IN_FLIGHT,
        () => bindToken(server, openid),
      );
      const codes = await inParallel(
        mobiles,
        SETUP_IN_FLIGHT,
        (m) => smsCode(server, m),
      );
      const started = performance.now();
      const outcomes = await raceBinds(
        server,
        mobiles.map((m, i) => ({
          mobile: m,
          password: PASSWORD,
          sms_code: codes[i],
          access_token: tokens[i],
        })),
      );
      console.log(
        `openid race: ${describe(outcomes)} in ${
          Math.round(performance.now() - started)
        } ms`,
      );
      const winners = outcomes.filter(({ answer }) => answer.status === 303);
      equal(winners.length, 1, describe(outcomes));
      openidRace.winner = winners[0].fields.mobile;
      assertLosers(outcomes, [QQ_LOGIN_FAILED]);
    },
  );

  await t.step(
    `${RACERS} QQ accounts binding one new mobile with its one code: one wins`,
    async () => {
      const openids = Array.from({ length: RACERS }, () => newOpenid());
      const tokens = await inParallel(
        openids,
        SETUP_IN_FLIGHT,
        (openid) => bindToken(server, openid),
      );
      const code = await smsCode(server, mobileRace.mobile);
      const started = performance.now();
      const outcomes = await raceBinds(
        server,
        tokens.map((token) => ({
          mobile: mobileRace.mobile,
          password: PASSWORD,
          sms_code: code,
          access_token: token,
        })),
      );
      console.log(
        `mobile race: ${describe(outcomes)} in ${
          Math.round(performance.now() - started)
        } ms`,
      );
      const winners = outcomes.filter(({ answer }) => answer.status === 303);
      equal(winners.length, 1, describe(outcomes));
      mobileRace.winner = openids[outcomes.indexOf(winners[0])];
      // A loser sees the code used up, or, having read the code just before, the account already bound.
      assertLosers(outcomes, [messages.smsCodeInvalid, QQ_LOGIN_FAILED]);
    },
  );

  await t.step(
    "a mixed race: an existing account, right and wrong passwords, new mobiles",
    async () => {
      const tokenFor = (openid: string) => bindToken(server, openid);
      const existingCode = await smsCode(server, EXISTING.mobile);
      const forExisting = (password: string) => async (openid: string) => ({
        mobile: EXISTING.mobile,
        password,
        sms_code: existingCode,
        access_token: await tokenFor(openid),
      });
      const forNewMobile = async (openid: string, m: string) => ({
        mobile: m,
        password: PASSWORD,
        sms_code: await smsCode(server, m),
        access_token: await tokenFor(openid),
      });
      // The existing account races for the contested openid too (its first right-password bind).
      const rightOpenids = [
        mixed.contested,
        ...Array.from({ length: 4 }, newOpenid),
      ];
      mixed.rightOpenids = rightOpenids;
      // Fewer than 10 tries at the account in all, so its login throttle stays out of this race.
      const wrongOpenids = Array.from({ length: 4 }, newOpenid);
      const contestedMobiles = Array.from(
        { length: 10 },
        (_, i) => mobile("137", i),
      );
      const independentMobiles = Array.from(
        { length: 10 },
        (_, i) => mobile("135", i),
      );
      const groups = await Promise.all([
        inParallel(rightOpenids, 4, forExisting(EXISTING.password)),
        inParallel(wrongOpenids, 4, forExisting("wrongpass1")),
        inParallel(
          contestedMobiles,
          4,
          (m) => forNewMobile(mixed.contested, m),
        ),
        inParallel(independentMobiles, 4, (m) => forNewMobile(newOpenid(), m)),
      ]);
      const outcomes = await raceBinds(server, groups.flat());
      const [right, wrong, contested, independent] = groups.map((group) =>
        outcomes.filter(({ fields }) => group.includes(fields))
      );
      Object.assign(mixed, {
        rightPassword: right,
        wrongPassword: wrong,
        contestedNewUsers: contested,
        independent,
      });
      console.log(
        `mixed race: right password ${describe(right)}; wrong password ${
          describe(wrong)
        }; one openid, new mobiles ${describe(contested)}; independent ${
          describe(independent)
        }`,
      );

      const won = (group: Outcome[]) =>
        group.filter(({ answer }) => answer.status === 303).length;
      equal(won(right), 1, "exactly one right password binds the account");
      equal(won(wrong), 0, "a wrong password never binds");
      equal(won(independent), 10, "binds that race with no one all succeed");
      const contestedByExisting = right[0].answer.status === 303 ? 1 : 0;
      equal(
        won(contested) + contestedByExisting,
        1,
        "the contested openid is bound exactly once",
      );
      assertLosers(right, [messages.smsCodeInvalid, QQ_LOGIN_FAILED]);
      assertLosers(wrong, [messages.wrongCredentials, messages.smsCodeInvalid]);
      assertLosers(contested, [QQ_LOGIN_FAILED]);
    },
  );

  await t.step("the server logged no error", () => {
    deepEqual(server.stderr, []);
  });

  await t.step(
    "after the races the KV holds exactly the winners, consistently",
    async () => {
      await server.stop();
      const { invariants, rowsOf } = await inspectKv(kvFile.path);
      deepEqual(invariants.problems, []);

      const userByMobile = new Map(
        rowsOf<string>("users_by_mobile").map(({ key, value }) => [
          String(key[1]),
          value,
        ]),
      );
      const openidOf = new Map(
        rowsOf<string>("bindings_by_user").map(({ key, value }) => [
          String(key[1]),
          value,
        ]),
      );
      const openidOfMobile = (m: string) => openidOf.get(userByMobile.get(m)!);

      const openidRaceUsers = [...userByMobile.keys()].filter((m) =>
        m.startsWith("139")
      );
      deepEqual(openidRaceUsers, [openidRace.winner], "one user, the winner's");
      equal(openidOfMobile(openidRace.winner), openidRace.openid);

      equal(openidOfMobile(mobileRace.mobile), mobileRace.winner);

      const rightWinner = mixed.rightPassword.find(({ answer }) =>
        answer.status === 303
      )!;
      equal(
        userByMobile.get(EXISTING.mobile),
        existing.id,
        "no second account",
      );
      const boundToExisting = openidOfMobile(EXISTING.mobile);
      ok(
        mixed.rightOpenids.includes(boundToExisting!),
        "the existing account is bound to a QQ account whose bind had its password",
      );
      const contestedOwner = rowsOf<{ userId: string }>("bindings").find((
        { key },
      ) => key[2] === mixed.contested)?.value.userId;
      ok(contestedOwner, "the contested openid is bound");
      const contestedWinner = mixed.contestedNewUsers.find(({ answer }) =>
        answer.status === 303
      );
      equal(
        contestedOwner,
        userByMobile.get(contestedWinner?.fields.mobile ?? EXISTING.mobile),
      );
      const newUsers = [...userByMobile.keys()].filter((m) =>
        m.startsWith("137") || m.startsWith("135")
      );
      equal(newUsers.length, 10 + (contestedWinner ? 1 : 0));
      equal(rightWinner.fields.mobile, EXISTING.mobile);
      equal(
        invariants.counts.users,
        1 + 1 + 1 + newUsers.length,
        "the existing account, the two race winners and the mixed race's new users",
      );
    },
  );
});
