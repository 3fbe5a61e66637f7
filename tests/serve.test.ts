// The app on one isolate per core on one port, both ways: as `deno task serve` runs it (on Linux a
// worker per isolate, each with a socket of its own) and as `deno serve --parallel serve.ts` does.
import assert from "node:assert/strict";
import { freePort, SECRET_KEY, tempKv } from "./_app_server.ts";

const ROOT = new URL("../", import.meta.url);
const ISOLATES = 2;
const STARTS = {
  // PORT and HOSTNAME say where, as for `deno task preview`.
  "deno task serve": () => [
    "run",
    "-A",
    new URL("scripts/serve.ts", ROOT).pathname,
  ],
  "deno serve --parallel": (port: number) => [
    "serve",
    "--parallel",
    "-A",
    "--host=127.0.0.1",
    `--port=${port}`,
    new URL("serve.ts", ROOT).pathname,
  ],
};
type Start = keyof typeof STARTS;

function startServe(start: Start, env: Record<string, string>) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: STARTS[start](port),
    cwd: ROOT.pathname,
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DENO_JOBS: String(ISOLATES),
      SECRET_KEY,
      BCRYPT_COST: "4",
      TRUST_PROXY: "true",
      APP_ENV: "development",
      QQ_CLIENT_ID: "",
      QQ_CLIENT_SECRET: "",
      QQ_API_BASE: "",
      SMS_PROVIDER: "console",
      SMS_CAPTCHA: "off",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // stdout is read as it comes, so a test can see which isolates have spoken so far.
  let stdout = "";
  const reading = child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (stdout += text) }),
  );
  const output = Promise.all([
    reading.then(() => stdout),
    new Response(child.stderr).text(),
  ]);
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    output,
    isolatesHeard: () => new Set(stdout.match(/^\[serve-worker-\d+ *\]/gm)),
    stdoutSoFar: () => Promise.resolve(stdout),
  };
}

/** Waits until the server's stdout says `text`; fails if it exits first. */
async function untilSaid(server: ReturnType<typeof startServe>, text: string) {
  let exited = false;
  server.child.status.then(() => exited = true);
  while (!(await server.stdoutSoFar()).includes(text)) {
    if (exited) throw new Error(`the server exited without saying "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * How long a process may take to end once nothing holds it: far above what the busiest machine takes,
 * and below the minute after which an idle hashing thread ends on its own, so a thread that kept the
 * process alive would still be caught.
 */
const ENDS_WITHIN_MS = 30_000;

async function untilUp(origin: string) {
  for (let i = 0; i < 600; i++) {
    const up = await fetch(origin + "/").then(async (response) => {
      await response.body?.cancel();
      return response.ok;
    }, () => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${origin} did not come up`);
}

/** A request on a connection of its own, so each may land on either isolate. */
function fresh(url: string, init: RequestInit = {}) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return fetch(url, { ...init, client }).then(async (response) => {
    const body = await response.text();
    client.close();
    return { status: response.status, body };
  });
}

for (const start of Object.keys(STARTS) as Start[]) {
  Deno.test(`${start}: both isolates answer, share the SMS limits, and stop on SIGTERM`, async (t) => {
    await using kv = await tempKv();
    const server = startServe(start, { DENO_KV_PATH: kv.path });
    try {
      await untilUp(server.origin);

      await t.step(
        "requests on many connections are answered by both isolates",
        async () => {
          // An isolate still loading the app takes no connections yet: ask until both have answered.
          for (
            let batch = 0;
            batch < 20 && server.isolatesHeard().size < ISOLATES;
            batch++
          ) {
            const answers = await Promise.all(
              Array.from({ length: 20 }, (_, i) => {
                const n = batch * 20 + i;
                return fresh(
                  `${server.origin}/sms_codes/1390000${
                    String(n).padStart(4, "0")
                  }`,
                  {
                    method: "POST",
                    headers: { "x-forwarded-for": `10.0.${n}.1` },
                  },
                );
              }),
            );
            assert.deepEqual(
              new Set(answers.map((a) => a.status)),
              new Set([200]),
            );
          }
          assert.equal(server.isolatesHeard().size, ISOLATES);
        },
      );

      await t.step(
        "20 simultaneous codes for one mobile, on both isolates: one is sent",
        async () => {
          const answers = await Promise.all(
            Array.from(
              { length: 20 },
              (_, i) =>
                fresh(`${server.origin}/sms_codes/13811112222`, {
                  method: "POST",
                  headers: { "x-forwarded-for": `10.1.${i}.1` },
                }),
            ),
          );
          const statuses = answers.map((a) => a.status).sort();
          assert.deepEqual(statuses, [200, ...Array(19).fill(429)]);
        },
      );

      await t.step(
        "a login's bcrypt workers do not keep the process alive after SIGTERM",
        async () => {
          const login = await fresh(`${server.origin}/login`, {
            method: "POST",
            body: new URLSearchParams({
              username: "13811112222",
              password: "abcdefgh1",
            }),
          });
          assert.equal(login.status, 400);
          server.child.kill("SIGTERM");
          let timer: ReturnType<typeof setTimeout> | undefined;
          const ended = await Promise.race([
            server.child.status.then(() => true),
            new Promise((resolve) => {
              timer = setTimeout(() => resolve(false), ENDS_WITHIN_MS);
            }),
          ]);
          clearTimeout(timer);
          assert.equal(
            ended,
            true,
            `still running ${ENDS_WITHIN_MS / 1000} s after SIGTERM`,
          );
        },
      );
    } finally {
      try {
        server.child.kill("SIGKILL");
      } catch {
        // It has ended.
      }
      const [, stderr] = await server.output;
      assert.doesNotMatch(stderr, /error/i);
    }
  });

  Deno.test(`${start} refuses settings its isolates cannot share`, async () => {
    for (
      const [env, message] of [
        [
          { SECRET_KEY: "", DENO_KV_PATH: ":memory:" },
          /SECRET_KEY must be set/,
        ],
        [{ DENO_KV_PATH: ":memory:" }, /DENO_KV_PATH=:memory:/],
      ] as const
    ) {
      const server = startServe(start, env);
      const status = await server.child.status;
      const [, stderr] = await server.output;
      assert.equal(status.code, 1);
      assert.match(stderr, message);
    }
  });
}

Deno.test("deno task serve spreads a burst of connections over its isolates, as wrk's 16 come", async () => {
  await using kv = await tempKv();
  const server = startServe("deno task serve", { DENO_KV_PATH: kv.path });
  try {
    // Said once every isolate listens.
    await untilSaid(server, "with 2 isolates");
    for (let burst = 0; burst < 3; burst++) {
      const mobiles = Array.from(
        { length: 16 },
        (_, i) => `1370000${burst}${String(i).padStart(3, "0")}`,
      );
      const answers = await Promise.all(
        mobiles.map((mobile, i) =>
          fresh(`${server.origin}/sms_codes/${mobile}`, {
            method: "POST",
            headers: { "x-forwarded-for": `10.2.${burst}.${i}` },
          })
        ),
      );
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
      const stdout = await server.stdoutSoFar();
      const isolates = new Set(mobiles.map((mobile) =>
        stdout.match(
          new RegExp(
            `^\\[(serve-worker-\\d+) *\\] .*"mobile":"${mobile}"`,
            "m",
          ),
        )?.[1]
      ));
      assert.deepEqual(
        isolates,
        new Set(["serve-worker-0", "serve-worker-1"]),
        `burst ${burst}`,
      );
    }
  } finally {
    server.child.kill("SIGTERM");
    await server.child.status;
    await server.output;
  }
});

Deno.test("deno task serve stops taking connections on SIGTERM but stays up while a request is in flight, and a second signal ends it at once", async () => {
  await using kv = await tempKv();
  const server = startServe("deno task serve", { DENO_KV_PATH: kv.path });
  const status = server.child.status;
  let ended = false;
  status.then(() => ended = true);
  try {
    await untilSaid(server, "with 2 isolates");
    const port = Number(new URL(server.origin).port);
    const encoder = new TextEncoder();
    // A form post whose body stops halfway: the server would wait up to 10 s for the rest. Asked to
    // confirm before the body is sent, the server says "100 Continue" once the request has reached
    // the app: it is in flight.
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    await connection.write(encoder.encode(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        "Content-Type: application/x-www-form-urlencoded\r\n" +
        "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n",
    ));
    const head = new Uint8Array(64);
    const read = await connection.read(head);
    assert.match(
      new TextDecoder().decode(head.subarray(0, read ?? 0)),
      /^HTTP\/1\.1 100 Continue\r\n/,
    );
    await connection.write(encoder.encode("username=1"));

    server.child.kill("SIGTERM");
    // Once the signal is heard no isolate takes a new connection, while the one in flight holds the
    // process up.
    for (;;) {
      const refused = await Deno.connect({ hostname: "127.0.0.1", port }).then(
        (other) => {
          other.close();
          return false;
        },
        () => true,
      );
      if (refused) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Still running: only a process that waited can hear a second signal, which ends it with 1 (a
    // process that had stopped on its own ends with 0).
    assert.equal(ended, false, "it ended on the first signal");
    server.child.kill("SIGTERM");
    assert.equal((await status).code, 1);
    connection.close();
  } finally {
    try {
      server.child.kill("SIGKILL");
    } catch {
      // It has ended.
    }
    await server.output;
  }
});
