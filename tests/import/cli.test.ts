// `deno task import:django` as an operator runs it: a child process, its lines and its exit code, the
// store it leaves in the KV file DENO_KV_PATH names.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { importedUserKey } from "@/lib/import/ledger.ts";
import { listKv } from "@/tests/_app.ts";
import { DUMPDATA_PATH, DUMPDATA_TEXT, DUMPED } from "@/tests/_django_shop.ts";
import { crowdSource } from "./_crowd.ts";

const SCRIPT = new URL("../../scripts/import_django.ts", import.meta.url)
  .pathname;

interface Run {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

function importCommand(
  kvPath: string,
  args: string[],
  stdin: "piped" | "null" = "null",
) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { DENO_KV_PATH: kvPath, NO_COLOR: "1" },
    stdin,
    stdout: "piped",
    stderr: "piped",
  });
}

async function runImport(
  kvPath: string,
  args: string[],
  input?: string,
): Promise<Run> {
  const child = importCommand(
    kvPath,
    args,
    input === undefined ? "null" : "piped",
  ).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const { code, signal, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, signal, stdout: decode(stdout), stderr: decode(stderr) };
}

async function rowsOf(kvPath: string) {
  const kv = await Deno.openKv(kvPath);
  try {
    return await listKv(kv);
  } finally {
    kv.close();
  }
}

const SUMMARY =
  /^import: 15 users, 9 QQ bindings imported; 6 skipped \(1 bad mobile, 1 inactive, 1 openid on a later row, 1 account has another QQ, 2 user not imported\); 0 already there\n$/;

Deno.test("deno task import:django", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "import-cli-" });

  await t.step(
    "imports the Django dump and ends with the summary line, exit 0, progress on stderr",
    async () => {
      const run = await runImport(`${dir}/shop.kv`, [
        "--dumpdata",
        DUMPDATA_PATH,
      ]);
      equal(run.code, 0, run.stderr);
      match(run.stdout, SUMMARY);
      match(run.stderr, /^import: 17 of 17 users \(100%\) gone through/m);
      const again = await runImport(`${dir}/shop.kv`, [
        "--dumpdata",
        DUMPDATA_PATH,
      ]);
      match(
        again.stdout,
        /^import: 0 users, 0 QQ bindings imported; 6 skipped \(.*\); 24 already there\n$/,
      );
    },
  );

  await t.step("reads standard input for -", async () => {
    const run = await runImport(
      `${dir}/stdin.kv`,
      ["--dumpdata", "-"],
      DUMPDATA_TEXT,
    );
    equal(run.code, 0, run.stderr);
    match(run.stdout, SUMMARY);
    deepEqual(await rowsOf(`${dir}/stdin.kv`), await rowsOf(`${dir}/shop.kv`));
  });

  await t.step(
    "--dry-run writes nothing and says what it would do",
    async () => {
      const run = await runImport(`${dir}/dry.kv`, [
        "--dumpdata",
        DUMPDATA_PATH,
        "--dry-run",
      ]);
      equal(run.code, 0, run.stderr);
      match(
        run.stdout,
        /^import --dry-run: 15 users, 9 QQ bindings would be imported; 6 skipped/,
      );
      deepEqual(await rowsOf(`${dir}/dry.kv`), []);
    },
  );

  const refusals: [string, string[], string | undefined, RegExp][] = [
    [
      "a malformed dump",
      ["--dumpdata", "-"],
      JSON.stringify([...DUMPED.slice(0, 3), {
        model: "users.user",
        pk: 99,
        fields: { username: "x" },
      }]),
      /^import: standard input: users\.user 99: mobile is missing\n$/,
    ],
    [
      "a file that is not there",
      ["--dumpdata", `${dir}/missing.json`],
      undefined,
      /^import: cannot read .*missing\.json: /,
    ],
    [
      "no source named",
      [],
      undefined,
      /^import: usage: deno task import:django/,
    ],
    [
      "two sources named",
      ["--dumpdata", DUMPDATA_PATH, "--mysql", "mysql://root@127.0.0.1/shop"],
      undefined,
      /^import: usage:/,
    ],
    [
      "an unknown option",
      ["--dumpdata", DUMPDATA_PATH, "--force"],
      undefined,
      /^import: .*--force.*usage:/,
    ],
    [
      "an unknown time zone",
      ["--dumpdata", DUMPDATA_PATH, "--time-zone", "Mars/Olympus"],
      undefined,
      /^import: --time-zone Mars\/Olympus is not a time zone\n$/,
    ],
    [
      "a MySQL URL without a database",
      ["--mysql", "mysql://root@127.0.0.1:3306"],
      undefined,
      /^import: --mysql names no database/,
    ],
    [
      "a MySQL nobody answers at",
      ["--mysql", "mysql://root:secret@127.0.0.1:1/meiduo"],
      undefined,
      /^import: cannot connect to 127\.0\.0\.1:1\/meiduo: ECONNREFUSED/,
    ],
  ];
  for (const [story, args, input, message] of refusals) {
    await t.step(`${story}: exit 2, one line, nothing written`, async () => {
      const kvPath = `${dir}/refused.kv`;
      const run = await runImport(kvPath, args, input);
      equal(run.code, 2);
      match(run.stderr, message);
      equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
      equal(run.stdout, "");
      ok(
        !run.stderr.includes("secret"),
        "the password in the URL is never shown",
      );
      equal(
        await Deno.stat(kvPath).catch(() => null),
        null,
        "the store was not even opened",
      );
    });
  }

  await Deno.remove(dir, { recursive: true });
});

Deno.test("an import killed with kill -9 midway and run again ends as one clean run would", async () => {
  const dir = await Deno.makeTempDir({ prefix: "import-kill-" });
  const crowd = crowdSource(6_000);
  const dump = `${dir}/crowd.json`;
  await Deno.writeTextFile(dump, JSON.stringify(asDumpdata(crowd)));
  const args = ["--dumpdata", dump, "--progress-every", "0"];

  // Killed as soon as it says it has gone through a first batch, and before it says it is done.
  const child = importCommand(`${dir}/killed.kv`, args).spawn();
  let killedAt = "";
  for await (const line of lines(child.stderr)) {
    const progress = line.match(/^import: ([\d,]+) of ([\d,]+) users/);
    const done = progress ? Number(progress[1].replaceAll(",", "")) : 0;
    if (done > 0) {
      killedAt = line;
      child.kill("SIGKILL");
      break;
    }
  }
  const status = await child.status;
  await child.stdout.cancel();
  equal(status.signal, "SIGKILL", `killed at ${killedAt}`);
  const partial =
    (await rowsOf(`${dir}/killed.kv`)).filter(([key]) =>
      key[0] === importedUserKey(0)[0]
    ).length;
  ok(
    partial > 0 && partial < 6_000,
    `${partial} users were in when it was killed`,
  );

  const resumed = await runImport(`${dir}/killed.kv`, args);
  equal(resumed.code, 0, resumed.stderr);
  match(
    resumed.stdout,
    new RegExp(
      `^import: ${6_000 - partial} users, ${
        6_000 - partial
      } QQ bindings imported; 0 skipped \\(none\\); ${
        2 * partial
      } already there\\n$`,
    ),
  );

  const clean = await runImport(`${dir}/clean.kv`, args);
  equal(clean.code, 0, clean.stderr);
  deepEqual(await rowsOf(`${dir}/killed.kv`), await rowsOf(`${dir}/clean.kv`));
  await Deno.remove(dir, { recursive: true });
});

/** `source` as `manage.py dumpdata users.User oauth.OAuthQQUser` writes it. */
function asDumpdata(source: ReturnType<typeof crowdSource>) {
  const time = (at: number) => new Date(at).toISOString().replace(".000Z", "Z");
  return [
    ...source.users.map((user) => ({
      model: "users.user",
      pk: user.id,
      fields: {
        password: user.password,
        last_login: null,
        is_superuser: false,
        username: user.username,
        first_name: "",
        last_name: "",
        email: "",
        is_staff: false,
        is_active: true,
        date_joined: time(user.dateJoined),
        mobile: user.mobile,
        email_active: false,
        groups: [],
        user_permissions: [],
      },
    })),
    ...source.qqRows.map((row) => ({
      model: "oauth.oauthqquser",
      pk: row.id,
      fields: {
        create_time: time(row.createdAt),
        update_time: time(row.updatedAt),
        user: row.userId,
        openid: row.openid,
      },
    })),
  ];
}

async function* lines(stream: ReadableStream<Uint8Array<ArrayBuffer>>) {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    rest += text;
    const parts = rest.split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
}
