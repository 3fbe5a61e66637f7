// A MariaDB server of Debian's (mariadb-server) on a private data folder and a free loopback port, for
// as long as a test needs it, with the meiduo shop's tables made by Django's own migrations (through
// python3-mysqldb) and its customers by tests/fixtures/django_shop/make_fixtures.py.
import { needDebianPackages, succeeds } from "@/tests/_debian.ts";
import { SHOP_DIR } from "@/tests/_django_shop.ts";

const PACKAGES = [
  "mariadb-server",
  "python3-django",
  "python3-mysqldb",
  "python3-bcrypt",
  "python3-argon2",
];
const PYTHON = "/usr/bin/python3"; // Debian's, which its python3-* packages are for

export interface ShopDatabase {
  /** `mysql://root:…@127.0.0.1:<port>/meiduo`, as the import takes it. */
  url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

const present = async () =>
  await succeeds("mariadbd", ["--version"]) &&
  await succeeds("sh", ["-c", "command -v mariadb-install-db"]) &&
  await succeeds(PYTHON, ["-c", "import django, MySQLdb, bcrypt, argon2"]);

/** A running MariaDB holding the Django-made shop; throws with the line to show when it cannot. */
export async function startShopDatabase(): Promise<ShopDatabase> {
  const missing = await needDebianPackages(PACKAGES, present);
  if (missing) throw new Error(missing);
  const dir = await Deno.makeTempDir({ prefix: "import-mariadb-" });
  const asRoot = Deno.uid() === 0 ? ["--user=root"] : [];
  await run("mariadb-install-db", [
    "--no-defaults",
    `--datadir=${dir}/data`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    ...asRoot,
  ]);
  const port = freePort();
  const server = new Deno.Command("mariadbd", {
    args: [
      "--no-defaults",
      `--datadir=${dir}/data`,
      `--socket=${dir}/mariadb.sock`,
      `--pid-file=${dir}/mariadb.pid`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--skip-grant-tables",
      "--innodb-buffer-pool-size=32M",
      ...asRoot,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      server.kill("SIGTERM");
    } catch {
      // already gone
    }
    await server.status;
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await readyForConnections(server.stderr);
    await run("mariadb", [
      "--no-defaults",
      "-h127.0.0.1",
      `-P${port}`,
      "-uroot",
      "-e",
      "CREATE DATABASE meiduo CHARACTER SET utf8mb4",
    ]);
    await run(PYTHON, [`${SHOP_DIR}make_fixtures.py`, "--no-dump"], {
      SHOP_MYSQL_PORT: String(port),
      SHOP_MYSQL_DB: "meiduo",
      PYTHONDONTWRITEBYTECODE: "1",
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    // The server skips its grant tables: any password is taken, and this one is never shown.
    url: `mysql://root:not-shown-anywhere@127.0.0.1:${port}/meiduo`,
    [Symbol.asyncDispose]: stop,
  };
}

/** Reads the server's log until it says it is ready (or ends, with what it said). */
async function readyForConnections(
  log: ReadableStream<Uint8Array<ArrayBuffer>>,
) {
  let said = "";
  const reader = log.pipeThrough(new TextDecoderStream()).getReader();
  while (!/ready for connections/.test(said)) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`mariadbd stopped: ${said.trim().split("\n").at(-1)}`);
    }
    said += value;
  }
  // The rest of its log is read and dropped, so a full pipe never stalls the server.
  (async () => {
    while (!(await reader.read()).done) { /* drop */ }
  })().catch(() => {});
}

async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
) {
  const { success, stderr } = await new Deno.Command(command, {
    args,
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `${command} failed: ${
        new TextDecoder().decode(stderr).trim().split("\n").at(-1)
      }`,
    );
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
