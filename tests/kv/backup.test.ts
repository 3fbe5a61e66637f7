// A store to JSON lines and back: every type Deno KV keeps, byte for byte through the real commands,
// and a restored store that serves the same people.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  backupLine,
  decodeKvValue,
  encodeKvValue,
  parseBackupLine,
} from "@/lib/kv/backup.ts";
import { testApp } from "@/tests/_app.ts";
import { PASSWORD, userWith } from "@/tests/accounts/_accounts.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Rows of every kind a store can hold, keys of every part type included. */
const ROWS: [Deno.KvKey, unknown][] = [
  [["text", "a"], '汉字 and \u2028 and "quotes"'],
  [["numbers", 1], { finite: 1.5, nan: NaN, inf: -Infinity, negZero: -0 }],
  [["numbers", 2n], 12345678901234567890n],
  [["bytes", new Uint8Array([0, 255])], new Uint8Array([1, 2, 3])],
  [["bool", true], [true, false, null, undefined]],
  [["date"], new Date(Date.UTC(2026, 11, 7, 12, 0, 0, 5))],
  [["u64"], new Deno.KvU64(18446744073709551615n)],
  [
    ["map"],
    new Map<unknown, unknown>([["k", new Set([1, "two"])], [3n, /a+b/gi]]),
  ],
  [["dollar"], { $bytes: "not bytes", nested: { $date: "not a date" } }],
];

Deno.test("every type Deno KV keeps survives a line and back", () => {
  for (const [key, value] of ROWS) {
    const row = parseBackupLine(backupLine(key, value));
    deepEqual(row.key, key);
    deepEqual(row.value, value);
  }
  ok(Object.is(decodeKvValue(encodeKvValue(-0)), -0));
  ok(decodeKvValue(encodeKvValue(new Deno.KvU64(7n))) instanceof Deno.KvU64);
});

async function run(
  task: string,
  args: string[],
  kvPath: string,
): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    env: { DENO_KV_PATH: kvPath, NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("a backup restored into an empty store backs up byte for byte the same", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await Deno.openKv(`${dir}/first.sqlite`);
    for (const [key, value] of ROWS) await first.set(key, value);
    first.close();
    equal(
      (await run("kv:backup", [`${dir}/one.jsonl`], `${dir}/first.sqlite`))
        .code,
      0,
    );
    const restored = await run(
      "kv:restore",
      [`${dir}/one.jsonl`],
      `${dir}/second.sqlite`,
    );
    equal(restored.code, 0, restored.stderr);
    match(restored.stderr, new RegExp(`${ROWS.length} rows`));
    equal(
      (await run("kv:backup", [`${dir}/two.jsonl`], `${dir}/second.sqlite`))
        .code,
      0,
    );
    const one = await Deno.readFile(`${dir}/one.jsonl`);
    deepEqual(await Deno.readFile(`${dir}/two.jsonl`), one);
    equal(new TextDecoder().decode(one).trim().split("\n").length, ROWS.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a restore refuses a store with rows unless --force, and a malformed file writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `${dir}/store.sqlite`;
    const kv = await Deno.openKv(store);
    await kv.set(["already"], 1);
    kv.close();
    await Deno.writeTextFile(
      `${dir}/good.jsonl`,
      backupLine(["restored"], "yes"),
    );
    const refused = await run("kv:restore", [`${dir}/good.jsonl`], store);
    equal(refused.code, 1);
    match(refused.stderr, /has rows.*--force/);
    equal(
      (await run("kv:restore", [`${dir}/good.jsonl`, "--force"], store)).code,
      0,
    );

    await Deno.writeTextFile(
      `${dir}/bad.jsonl`,
      backupLine(["first"], 1) + "{not json\n",
    );
    const malformed = await run(
      "kv:restore",
      [`${dir}/bad.jsonl`],
      `${dir}/empty.sqlite`,
    );
    equal(malformed.code, 2);
    match(malformed.stderr, /line 2: a line is not JSON; nothing written/);
    const empty = await Deno.openKv(`${dir}/empty.sqlite`);
    deepEqual(await Array.fromAsync(empty.list({ prefix: [] })), []);
    empty.close();
    const after = await Deno.openKv(store);
    deepEqual((await after.get(["restored"])).value, "yes");
    after.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a restored store serves the same user and the same session", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const original = await testApp({ DENO_KV_PATH: `${dir}/shop.sqlite` });
    const user = await userWith(original, "13812345678");
    const browser = await testBrowser(original);
    const login = await browser.post("/login", {
      username: user.username,
      password: PASSWORD,
    });
    equal(login.status, 303);
    await login.body?.cancel();
    original.close();

    equal(
      (await run("kv:backup", [`${dir}/shop.jsonl`], `${dir}/shop.sqlite`))
        .code,
      0,
    );
    equal(
      (await run("kv:restore", [`${dir}/shop.jsonl`], `${dir}/copy.sqlite`))
        .code,
      0,
    );

    const copy = await testApp({ DENO_KV_PATH: `${dir}/copy.sqlite` });
    copy.clock.now = original.clock.now;
    const sameBrowser = await testBrowser(copy);
    for (const [name, value] of browser.cookies) {
      sameBrowser.cookies.set(name, value);
    }
    const account = await sameBrowser.get("/account");
    equal(account.status, 200);
    match(await account.text(), /138\*{4}5678|13812345678/);
    copy.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
