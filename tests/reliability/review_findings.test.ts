// What an outside security review found, each replayed over real HTTP against the real server:
// a `next` no header can carry, a Host no URL can hold, chunked and trickling bodies, audit rows
// for refusals, a reset code whose answer waited on the gateway.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { AppServer, inspectKv, startApp, tempKv } from "@/tests/_app_server.ts";
import { REFUSALS_KEPT_PER_HOUR } from "@/lib/audit.ts";
import { inParallel, rawExchange, requestSmsCode } from "./_client.ts";
import { BODY_TIMEOUT_MS } from "@/lib/forms/posted.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { startStubServer } from "@/tests/sms/_stub_server.ts";

const PASSWORD = "secret123";
const encoder = new TextEncoder();

/** Registers `mobile` with `next` in the query; the answer, unread. */
async function register(
  origin: string,
  mobile: string,
  code: string,
  next: string,
): Promise<Response> {
  return await fetch(`${origin}/register?next=${next}`, {
    method: "POST",
    body: new URLSearchParams({
      mobile,
      password: PASSWORD,
      allow: "on",
      sms_code: code,
    }),
    redirect: "manual",
  });
}

/** Asks for a code as the page does, solving the image code the server asks for after the first. */
async function sendCode(server: AppServer, mobile: string): Promise<void> {
  const sent = await requestSmsCode(server, mobile, "127.0.0.1");
  equal(sent.status, 200, JSON.stringify(sent.body));
}

Deno.test("a next no header can carry is percent-encoded before anything is written", async (t) => {
  await using server = await startApp();
  const nexts: [string, string][] = [
    ["/%E4%BD%A0", "/%E4%BD%A0"],
    ["/%C0%AF", "/%EF%BF%BD%EF%BF%BD"],
    ["/%C3%A9t%C3%A9?q=%E5%A5%BD", "/%C3%A9t%C3%A9?q=%E5%A5%BD"],
  ];
  for (const [i, [next, location]] of nexts.entries()) {
    await t.step(
      `registering with next=${next} logs in and lands on ${location}`,
      async () => {
        const mobile = `1390000000${i}`;
        await sendCode(server, mobile);
        const code = await server.smsCode(mobile, 1);
        const response = await register(server.origin, mobile, code, next);
        await response.body?.cancel();
        equal(response.status, 303);
        equal(response.headers.get("location"), location);
        const session = response.headers.getSetCookie().find((c) =>
          c.startsWith("session=")
        )!;
        const home = await fetch(`${server.origin}/`, {
          headers: { cookie: session.split(";")[0] },
        });
        // The home page names the account, its mobile masked.
        match(
          await home.text(),
          new RegExp(`当前登录：${mobile.slice(0, 3)}\\*{4}${mobile.slice(7)}`),
          "logged in",
        );
      },
    );
  }

  await t.step("logging in with such a next does too", async () => {
    const response = await fetch(`${server.origin}/login?next=/%E4%BD%A0`, {
      method: "POST",
      body: new URLSearchParams({
        username: "13900000000",
        password: PASSWORD,
      }),
      redirect: "manual",
    });
    await response.body?.cancel();
    equal(response.status, 303);
    equal(response.headers.get("location"), "/%E4%BD%A0");
  });

  await t.step("the server logged no error", () => {
    deepEqual(server.stderr, []);
  });
});

Deno.test("a Host no URL can hold gets 400 with the security headers, on every path", async () => {
  await using server = await startApp();
  for (const host of ["127.0.0.1:99999", "[::1", "exa mple", "%zz"]) {
    for (
      const [method, path] of [
        ["GET", "/"],
        ["GET", "/login"],
        ["GET", "/styles.css"],
        ["GET", "/nowhere"],
        ["POST", "/login"],
        ["POST", "/sms_codes/13800138000"],
      ]
    ) {
      const request = encoder.encode(
        `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      const { status, head } = await rawExchange(server.origin, request);
      const where = `${method} ${path} with Host: ${host}`;
      equal(status, 400, where);
      match(
        head,
        /content-security-policy: [^\r]*frame-ancestors 'none'/i,
        where,
      );
      match(head, /x-content-type-options: nosniff/i, where);
      match(head, /x-frame-options: DENY/i, where);
    }
  }
  deepEqual(server.stderr, []);
});

/** A body sent in `size` bytes of 16 KiB chunks with no Content-Length. */
function chunkedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(16 * 1024, size - sent)).fill(0x61);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

Deno.test("a chunked body over 64 KiB gets 413 on every POST, including those that never read it", async () => {
  await using server = await startApp();
  for (
    const path of [
      "/logout",
      "/account/qq/unbind",
      "/sms_codes/13800138000",
      "/login",
      "/register",
      "/oauth_callback",
    ]
  ) {
    const response = await fetch(`${server.origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: chunkedBody(65 * 1024),
      redirect: "manual",
    });
    await response.body?.cancel();
    equal(response.status, 413, path);
  }
  equal(server.codesSentTo("13800138000"), 0, "no SMS was sent");
});

/** Sends the head of a POST to `path`, then one byte a second; the status the server answers with, and when. */
async function trickle(origin: string, path: string, chunked: boolean) {
  const { hostname, port } = new URL(origin);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const framing = chunked
    ? "transfer-encoding: chunked"
    : "content-length: 200";
  await conn.write(encoder.encode(
    `POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/x-www-form-urlencoded\r\n${framing}\r\n\r\n`,
  ));
  const started = performance.now();
  // The drip goes on until the server answers: by three times the time limit, no answer means the
  // server would have waited for ever.
  const giveUp = setTimeout(() => conn.close(), 3 * BODY_TIMEOUT_MS);
  const answer = (async () => {
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer).catch(() => null);
    return read ? new TextDecoder().decode(buffer.subarray(0, read)) : "";
  })();
  let answered = false;
  answer.then(() => answered = true);
  const dripping = (async () => {
    while (!answered) {
      await conn.write(encoder.encode(chunked ? "1\r\na\r\n" : "a")).catch(
        () => {},
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const head = await answer;
  const seconds = (performance.now() - started) / 1000;
  await dripping;
  clearTimeout(giveUp);
  try {
    conn.close();
  } catch {
    // Closed on giving up.
  }
  return {
    status: Number(head.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0),
    seconds,
  };
}

Deno.test("a body that trickles in times out", async () => {
  await using server = await startApp();
  const answers = await Promise.all([
    trickle(server.origin, "/login", false),
    trickle(server.origin, "/register", true),
    trickle(server.origin, "/logout", true),
  ]);
  for (const { status, seconds } of answers) {
    equal(status, 408, `answered ${status || "nothing"} after ${seconds} s`);
    // The limit is on the whole body, not on a pause between its bytes (a byte comes every second):
    // the answer comes near the limit, within a margin a busy machine can't use up.
    ok(seconds < 2 * BODY_TIMEOUT_MS / 1000, `answered after ${seconds} s`);
  }
});

Deno.test("300 refused requests do not leave 300 audit rows", async () => {
  await using kvFile = await tempKv();
  await using server = await AppServer.start(kvFile.path);
  const posts = Array.from({ length: 300 }, (_, i) => {
    const [path, body] = [
      ["/login", { username: "", password: "x" }],
      ["/register", { mobile: "1", password: "x", allow: "on", sms_code: "1" }],
      ["/oauth_callback", { mobile: "13800138000" }],
    ][i % 3] as [string, Record<string, string>];
    // A third from one address, the rest each from an address of its own.
    const from = i % 3 === 0 ? "203.0.113.1" : `198.18.7.${i}`;
    return { path, body, from };
  });
  await inParallel(posts, 8, async ({ path, body, from }) => {
    const response = await fetch(`${server.origin}${path}`, {
      method: "POST",
      body: new URLSearchParams(body),
      headers: { "x-forwarded-for": from },
    });
    await response.body?.cancel();
    equal(response.status, 400, path);
  });
  await server.stop();
  const { tables } = await inspectKv(kvFile.path);
  const rows = tables.get("audit") ?? 0;
  ok(
    rows <= REFUSALS_KEPT_PER_HOUR,
    `${rows} audit rows for 300 refusals`,
  );
  ok(rows > 0, "refusals are still audited");
});

Deno.test("a reset code is answered before the gateway, and a stopping server still hands it over", async () => {
  const member = "13800138000";
  const stranger = "13900139000";
  await using kvFile = await tempKv();
  const kv = await Deno.openKv(kvFile.path);
  const hasher = createPasswordHasher(4, 0);
  const op = kv.atomic();
  createUserIn(op, newUser(member, await hasher.hash(PASSWORD), Date.now()));
  ok((await op.commit()).ok);
  kv.close();
  // A webhook that takes the code and answers only when the test lets it.
  const received = Promise.withResolvers<void>();
  const answer = Promise.withResolvers<void>();
  const webhook = startStubServer(async () => {
    received.resolve();
    await answer.promise;
    return Response.json({ ok: true });
  });
  try {
    await using server = await AppServer.start(kvFile.path, {
      SMS_PROVIDER: "webhook",
      SMS_WEBHOOK_URL: webhook.url,
      SMS_CAPTCHA: "off",
    });
    const probe = async (mobile: string) => {
      const response = await fetch(`${server.origin}/sms_codes/${mobile}`, {
        method: "POST",
        body: new URLSearchParams({ purpose: "reset_password" }),
        headers: { "x-forwarded-for": "198.51.100.77" },
      });
      const { date: _, ...headers } = Object.fromEntries(response.headers);
      return { status: response.status, headers, body: await response.text() };
    };
    const probes = [await probe(member), await probe(stranger)];
    deepEqual(probes[0], probes[1], "the same answer for both");
    equal(probes[0].body, '{"ok":true}');
    await received.promise;
    equal(webhook.requests.length, 1, "the member's code went to the gateway");
    // Stopped while the gateway still has the code: the server waits for its answer before it ends.
    const stopping = server.stop();
    answer.resolve();
    await stopping;
    ok(
      server.stdout.some((line) =>
        line.includes('"event":"sms_send"') && line.includes('"outcome":"sent"')
      ),
      `the send was seen through: ${server.stdout.join("\n")}`,
    );
    deepEqual(server.stderr, []);
  } finally {
    answer.resolve();
    await webhook.close();
  }
});
