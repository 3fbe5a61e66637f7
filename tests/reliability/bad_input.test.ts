// Thousands of bad requests over real HTTP, generated from a seed (RELIABILITY_SEED to replay another):
// no 5xx, each answered as the contract says, and nothing an account is made of written.
import { deepEqual, equal, ok } from "node:assert/strict";
import { REFUSALS_KEPT_PER_HOUR } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import {
  type BadRequest,
  generate,
  seededPrng,
  type Setup,
} from "./_bad_requests.ts";
import type { Answer } from "./_judges.ts";
import { newIdentity } from "@/tests/_identities.ts";
import {
  browserCookieOf,
  inParallel,
  newClientAddress,
  pageMessages,
  providerBindToken,
  rawExchange,
  smsCode,
  tally,
} from "./_client.ts";
import { AppServer, inspectKv, tempKv } from "@/tests/_app_server.ts";

const SEED = Number(Deno.env.get("RELIABILITY_SEED") ?? 20261124);
const REQUESTS = 5_100;
const IN_FLIGHT = 16;

/** What a request may leave behind, and why. Anything else is a failure. */
const ALLOWED_TABLES: Record<string, string> = {
  audit:
    "every bind, login and registration attempt is audited, refused ones up to 10 a client and 200 an hour",
  audit_refusals: "the hourly count of refusals kept in the audit trail",
  migrations: "start-up marks the one-off migrations it has done",
  audit_refusals_by_client: "the same, per client",
  login_attempts_by_account:
    "login attempts count towards the throttle (wrong ones stay 15 min)",
  login_attempts_by_client:
    "login attempts count towards the throttle (wrong ones stay 15 min)",
  login_attempts_by_browser:
    "login attempts count towards the throttle (wrong ones stay 15 min)",
  password_checks_by_account:
    "every password checked counts towards the account's 50 a day",
  failed_password_checks:
    "wrong passwords of a real account, told to its owner at the next login",
  sms_codes: "codes sent to the mobiles the setup and the generator ask for",
  sms_last_sent: "the 60 s resend guard of those codes",
  sms_sends_by_mobile: "the daily caps of those codes",
  sms_sends_by_client: "the daily caps of those codes",
  sms_code_guesses: "the guess count each of those codes starts with",
  sms_sent_recently_to: "the hour after which those mobiles need no image code",
  sms_sent_recently_by: "the hour after which those clients need no image code",
  image_codes: "GET /image_codes/<uuid> draws a code for 300 s",
  image_codes_by_client: "the images drawn from each address in the last 300 s",
  image_codes_by_browser:
    "the images each browser drew in the last 300 s (at most 60 are drawn)",
  oauth_states:
    "GET /oauth/<provider>/login starts a login (the setup's and odd queries')",
  oauth_states_by_client:
    "the logins each address has pending (at most 100 are kept)",
  bind_tokens:
    "the setup's QQ logins wait for their bind (none may be used: checked below)",
  qq_simulator_codes: "the setup's QQ logins through the simulator",
  qq_simulator_access_tokens: "the setup's QQ logins through the simulator",
  qq_simulator_identities: "the setup's QQ logins through the simulator",
  qq_simulator_avatars: "the setup's QQ logins through the simulator",
  wechat_simulator_codes: "the setup's WeChat logins through the simulator",
  wechat_simulator_tokens: "the setup's WeChat logins through the simulator",
  wechat_simulator_identities:
    "the setup's WeChat logins through the simulator",
  weibo_simulator_codes: "the setup's Weibo logins through the simulator",
  weibo_simulator_tokens: "the setup's Weibo logins through the simulator",
  weibo_simulator_identities: "the setup's Weibo logins through the simulator",
};
/** What no bad request may ever create. */
const ACCOUNT_TABLES = [
  "users",
  "users_by_mobile",
  "users_by_username",
  "bindings",
  "bindings_by_user",
  "sessions",
  "sessions_by_user",
];

async function prepare(server: AppServer): Promise<Setup> {
  // Two genuine pending binds for each provider, each in a browser of its own.
  const identities = ["qq", "wechat", "weibo"].flatMap((provider) => [
    newIdentity(provider),
    newIdentity(provider),
  ]);
  const tokens = await inParallel(
    identities,
    4,
    (identity) => providerBindToken(server, identity),
  );
  const callbacks = identities.map(({ provider }) =>
    provider === "qq" ? "/oauth_callback" : `/oauth/${provider}/callback`
  );
  const reserved = await inParallel(
    ["15100000001", "15100000002", "15100000003"],
    3,
    async (mobile) => ({ mobile, code: await smsCode(server, mobile) }),
  );
  const forgedTokens = [
    "A".repeat(22),
    btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    "x".repeat(5000),
    // 0.1's kind of token, a JWE: no longer a bind token at all.
    `eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..${"A".repeat(16)}.${
      "B".repeat(40)
    }.${"C".repeat(22)}`,
    "a.b.c.d.e",
  ];
  const browsers = tokens.map(browserCookieOf);
  return {
    origin: server.origin,
    tokens,
    browsers,
    callbacks,
    forgedTokens,
    reserved,
  };
}

async function send(server: AppServer, request: BadRequest): Promise<Answer> {
  if (request.raw) {
    const { status, head } = await rawExchange(server.origin, request.raw);
    return { status, headers: headersOf(head), body: head };
  }
  const { body } = request;
  const response = await fetch(`${server.origin}${request.target}`, {
    method: request.method,
    headers: request.headers,
    body: body && request.chunked ? inChunks(body) : body,
    redirect: "manual",
  });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.text(),
  };
}

/** The headers of a raw answer's head (`HTTP/1.1 307 …\r\nlocation: /x\r\n…`). */
function headersOf(head: string): Headers {
  const headers = new Headers();
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    try {
      headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
    } catch {
      // Not a header a judge could ask for.
    }
  }
  return headers;
}

/** The first failures, and how many there were of each kind. */
function listed(failures: string[]): string {
  const byKind = tally(failures.map((failure) => failure.split(":")[0]));
  return `${failures.length} failures ${JSON.stringify(byKind)}, the first:\n${
    failures.slice(0, 15).join("\n")
  }`;
}

function inChunks(body: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.slice(offset, offset += 16 * 1024));
    },
  });
}

Deno.test(`${REQUESTS} bad requests (seed ${SEED}): no 5xx, contract answers, no account written`, async (t) => {
  await using kvFile = await tempKv();
  await using server = await AppServer.start(kvFile.path);
  const setup = await prepare(server);
  const requests = generate(seededPrng(SEED), setup, REQUESTS);

  const statuses: number[] = [];
  const byKind: Record<string, number[]> = {};
  const failures: string[] = [];
  const started = performance.now();
  await inParallel(requests, IN_FLIGHT, async (request) => {
    const type = request.headers.find(([name]) => name === "content-type");
    const where = `${request.kind}: ${request.method} ${
      request.target.slice(0, 100)
    }${type ? ` (${type[1]})` : ""}`;
    let answer: Answer;
    try {
      answer = await send(server, request);
    } catch (error) {
      failures.push(`${where}: no answer (${error})`);
      return;
    }
    statuses.push(answer.status);
    (byKind[request.kind] ??= []).push(answer.status);
    const problem = await request.judge(answer);
    if (problem) failures.push(`${where}: ${problem}`);
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${requests.length} requests in ${seconds.toFixed(1)} s (${
      Math.round(requests.length / seconds)
    }/s), statuses ${JSON.stringify(tally(statuses))}`,
  );
  for (const [kind, codes] of Object.entries(byKind)) {
    console.log(`  ${kind}: ${JSON.stringify(tally(codes))}`);
  }

  await t.step("no request got a 5xx or no answer", () => {
    const broken = failures.filter((f) => / answered 5\d\d|no answer/.test(f));
    equal(broken.length, 0, listed(broken));
  });

  await t.step("every answer is the one the contract gives", () => {
    equal(failures.length, 0, listed(failures));
  });

  await t.step(
    "a browser's multipart post (WebKit's mixed-case boundary) is read, as the contract accepts",
    async () => {
      const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
      const part = (name: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const response = await fetch(`${server.origin}/register`, {
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "x-forwarded-for": newClientAddress(),
        },
        body: part("mobile", "15000000000") + part("password", "secret123") +
          part("sms_code", "123456") + part("allow", "on") +
          `--${boundary}--\r\n`,
      });
      const body = await response.text();
      equal(response.status, 400);
      deepEqual(
        pageMessages(body),
        { sms_code: messages.smsCodeInvalid },
        `the fields were not read: the answer was "${body.slice(0, 60)}"`,
      );
    },
  );

  await t.step("the server logged no error", () => {
    deepEqual(server.stderr, []);
  });

  await t.step(
    "no user, binding, session or used bind token was written",
    async () => {
      await server.stop();
      const { tables, invariants, rowsOf } = await inspectKv(kvFile.path);
      console.log(`rows left: ${JSON.stringify(Object.fromEntries(tables))}`);
      for (const table of ACCOUNT_TABLES) {
        equal(
          tables.get(table),
          undefined,
          table,
        );
      }
      const unexpected = [...tables.keys()].filter((table) =>
        !(table in ALLOWED_TABLES)
      );
      deepEqual(unexpected, [], "tables no request should write");
      deepEqual(invariants.problems, []);
      const used = rowsOf<{ bound?: unknown }>("bind_tokens").filter((row) =>
        row.value.bound
      );
      deepEqual(used, [], "no bind token was used");
      // Thousands of refusals within the hour: the trail keeps its hourly share, not a row each.
      ok(
        (tables.get("audit") ?? 0) <= 2 * REFUSALS_KEPT_PER_HOUR,
        `${tables.get("audit")} audit rows`,
      );
    },
  );
});
