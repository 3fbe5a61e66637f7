// Moving a shop over: `deno task import:django` of 100,000 customers each with a QQ binding (a dump made
// by Django itself, tests/fixtures/django_shop/make_fixtures.py --crowd) into a new KV file, against a
// 60 s budget and beside Django's own `manage.py loaddata` of the same file into SQLite; then the first
// password login of an imported customer (Django 1.11's 36,000 pbkdf2 iterations, checked and replaced
// by bcrypt in the login's write) beside a bcrypt login at the app's cost, and one at today's Django
// count (1,200,000, Django 6.0's), as the login route does them (lib/accounts/login.ts, then the session).
import { aptInstall } from "./_apt.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { percentile } from "./_load.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { createApp, readConfig } from "@/lib/app/app.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { readDumpdata } from "@/lib/import/dumpdata.ts";
import { importShop } from "@/lib/import/run.ts";
import type { ShopUser } from "@/lib/import/source.ts";

const PYTHON = "/usr/bin/python3"; // Debian's, which its python3-* packages are for
const PACKAGES = ["python3-django", "python3-bcrypt", "python3-argon2"];
const SHOP_DIR = new URL("../tests/fixtures/django_shop/", import.meta.url)
  .pathname;
const SCRIPT = new URL("../scripts/import_django.ts", import.meta.url).pathname;
const CUSTOMERS = Number(Deno.env.get("BENCH_IMPORT_CUSTOMERS") ?? 100_000);
const BUDGET_S = 60;
const LOGINS = 25;
const BCRYPT_PASSWORD = "Bcrypt1login";

export async function importFigures(cost: number): Promise<Figure[]> {
  return [...await importSpeed(), await firstLogin(cost)];
}

async function importSpeed(): Promise<Figure[]> {
  if (!(await hasDjango())) {
    const failed = await aptInstall(PACKAGES);
    if (failed || !(await hasDjango())) {
      throw new Error(`apt-get install ${PACKAGES.join(" ")}: ${failed}`);
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "bench-import-" });
  try {
    const dump = `${dir}/crowd.json`;
    const made = await timed(() =>
      django(
        [
          `${SHOP_DIR}make_fixtures.py`,
          "--crowd",
          String(CUSTOMERS),
          "--dump",
          dump,
        ],
        `${dir}/made.sqlite3`,
      )
    );
    const bytes = (await Deno.stat(dump)).size;

    const ours = await timed(() => importDump(dump, `${dir}/app.kv`));
    // The crowd's usernames, mobiles and openids follow its ids; a real shop's come in no order, and
    // each then lands on a page of its index of its own.
    const scattered = `${dir}/scattered.json`;
    await Deno.writeTextFile(
      scattered,
      JSON.stringify(scatter(JSON.parse(await Deno.readTextFile(dump)))),
    );
    const inNoOrder = await timed(() =>
      importDump(scattered, `${dir}/scattered.kv`)
    );

    // Django's own: its tables made by migrate first (not timed), then loaddata of the same file.
    const loaddataDb = `${dir}/loaddata.sqlite3`;
    await django(["-m", "django", "migrate", "-v0"], loaddataDb);
    const loaddata = await timed(() =>
      django(["-m", "django", "loaddata", "-v0", dump], loaddataDb)
    );

    const perSecond = (seconds: number) => Math.round(CUSTOMERS / seconds);
    const details = {
      customers: CUSTOMERS,
      dumpMiB: round(bytes / 2 ** 20),
      importSeconds: round(ours, 2),
      importInNoOrderSeconds: round(inNoOrder, 2),
      loaddataSeconds: round(loaddata, 2),
      djangoMadeTheDumpSeconds: round(made, 1),
    };
    return [
      ratioFigure(
        "import",
        `${fixed(ours)} s to import ${
          CUSTOMERS.toLocaleString("en-US")
        } users and as many QQ bindings (deno task import:django of a ${
          fixed(bytes / 2 ** 20)
        } MiB dump, ${
          perSecond(ours).toLocaleString("en-US")
        } users/s) vs the ${BUDGET_S} s budget`,
        ours / BUDGET_S,
        { op: "≤", value: 1 },
        details,
      ),
      ratioFigure(
        "import vs loaddata",
        `Django's manage.py loaddata of the same file into SQLite ${
          fixed(loaddata)
        } s / the import ${fixed(ours)} s`,
        loaddata / ours,
        { op: "≥", value: 10 },
        details,
      ),
      {
        name: "import, usernames, mobiles and openids in no order",
        details,
        line:
          `import, the same customers with usernames, mobiles and openids in no order (as a real shop's): ${
            fixed(inNoOrder)
          } s (${
            perSecond(inNoOrder).toLocaleString("en-US")
          } users/s); loaddata ${
            fixed(loaddata / inNoOrder, 2)
          }× that (reported)`,
      },
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Milliseconds of a password login as the route does it, for each of `users` (logged in once each). */
async function firstLogin(cost: number): Promise<Figure> {
  const shop = readDumpdata(
    await Deno.readTextFile(`${SHOP_DIR}dumpdata.json`),
    "dumpdata.json",
    "UTC",
  );
  const people = JSON.parse(await Deno.readTextFile(`${SHOP_DIR}people.json`))
    .people as { username: string; password: string }[];
  const djangoUser = (username: string) => ({
    user: shop.users.find((user) => user.username === username)!,
    password: people.find((person) => person.username === username)!.password,
  });
  const django111 = djangoUser("li36000");
  const django60 = djangoUser("zhao1200k");

  const kv = await Deno.openKv(":memory:");
  const passwords = createPasswordHasher(cost);
  const app = await createApp(
    readConfig({
      SECRET_KEY: crypto.randomUUID().repeat(2),
      BCRYPT_COST: String(cost),
    }),
    { kv, passwords },
  );
  try {
    // LOGINS customers of each kind, and one more to warm up with, each with the same password and
    // hash as Django made it.
    const copies = (from: ShopUser, first: number): ShopUser[] =>
      Array.from({ length: LOGINS + 1 }, (_, i) => ({
        ...from,
        id: first + i,
        username: `${from.username}-${i}`,
        mobile: `1${first / 1000}${String(i).padStart(8, "0")}`,
      }));
    await importShop(kv, {
      users: [
        ...copies(django111.user, 30_000),
        ...copies(django60.user, 50_000),
      ],
      qqRows: [],
    });
    const bcryptHash = await passwords.hash(BCRYPT_PASSWORD);
    for (let i = 0; i < LOGINS; i++) {
      await createUserIn(
        kv.atomic(),
        {
          ...newUser(`170${String(i).padStart(8, "0")}`, bcryptHash, app.now()),
        },
      ).commit();
    }
    const login = async (username: string, password: string) => {
      const started = performance.now();
      const result = await logIn(app, { username, password }, "127.0.0.1");
      if (!result.ok) throw new Error(`${username} could not log in`);
      await loggedInRedirect(
        app,
        new Request("http://localhost/login"),
        result.user,
        "/",
        {
          upgrade: result.upgrade,
        },
      );
      return performance.now() - started;
    };
    // Each login writes its audit line to the log: not this bench's output.
    const log = console.log;
    console.log = () => {};
    try {
      return await measureLogins(login);
    } finally {
      console.log = log;
    }
  } finally {
    passwords.close();
    kv.close();
  }

  async function measureLogins(
    login: (username: string, password: string) => Promise<number>,
  ): Promise<Figure> {
    // The hashing threads started and warm: a first login hashes on two at once.
    await login("17000000000", BCRYPT_PASSWORD);
    await login(`${django111.user.username}-${LOGINS}`, django111.password);
    const median = async (logins: (i: number) => Promise<number>) => {
      const times: number[] = [];
      for (let i = 0; i < LOGINS; i++) times.push(await logins(i));
      return percentile(times.toSorted((a, b) => a - b), 50);
    };
    // A bcrypt login and a first login in turn, so that the machine's moods fall on both alike.
    const bcryptTimes: number[] = [];
    const pbkdf2Times: number[] = [];
    for (let i = 0; i < LOGINS; i++) {
      bcryptTimes.push(
        await login(`170${String(i).padStart(8, "0")}`, BCRYPT_PASSWORD),
      );
      pbkdf2Times.push(
        await login(`${django111.user.username}-${i}`, django111.password),
      );
    }
    const middle = (times: number[]) =>
      percentile(times.toSorted((a, b) => a - b), 50);
    const [bcrypt, pbkdf2] = [middle(bcryptTimes), middle(pbkdf2Times)];
    const today = await median((i) =>
      login(`${django60.user.username}-${i}`, django60.password)
    );
    const afterwards = await median((i) =>
      login(`${django111.user.username}-${i}`, django111.password)
    );
    return ratioFigure(
      "first login of an imported customer",
      `${
        fixed(pbkdf2)
      } ms with Django 1.11's pbkdf2_sha256 (36,000 iterations, checked while its bcrypt is made) vs ${
        fixed(bcrypt)
      } ms for a bcrypt login at cost ${cost}`,
      pbkdf2 / bcrypt,
      { op: "≤", value: 1 },
      {
        bcryptCost: cost,
        bcryptLoginMs: round(bcrypt),
        pbkdf2_36000FirstLoginMs: round(pbkdf2),
        pbkdf2_1200000FirstLoginMs: round(today),
        secondLoginMs: round(afterwards),
        logins: LOGINS,
      },
      ` (medians of ${LOGINS}, taken in turn; ${
        fixed(today)
      } ms at Django 6.0's 1,200,000 iterations and ${
        fixed(afterwards)
      } ms for the next login, reported)`,
    );
  }
}

/** `deno task import:django --dumpdata dump` into a new store at `store`, which must import every customer. */
async function importDump(dump: string, store: string): Promise<void> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, "--dumpdata", dump],
    env: { DENO_KV_PATH: store },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(stdout);
  const expected =
    `import: ${CUSTOMERS} users, ${CUSTOMERS} QQ bindings imported;`;
  if (!success || !said.startsWith(expected)) {
    throw new Error(
      `the import failed: ${said}${new TextDecoder().decode(stderr)}`,
    );
  }
}

/** The dump's customers with usernames, mobiles and openids in no order (still unique, still valid). */
function scatter(
  objects: { model: string; fields: Record<string, unknown> }[],
): unknown[] {
  // A bijection of 0..n-1 (a multiplier prime to n, then an offset) scrambles without repeating.
  const users = objects.filter((object) => object.model === "users.user");
  const n = users.length;
  const step = [7_919, 104_729, 1_299_709].find((p) => n % p !== 0)!;
  const at = (i: number, salt: number) => (i * step + salt) % n;
  users.forEach((user, i) => {
    user.fields.username = `s${at(i, 17).toString(36).padStart(6, "0")}`;
    user.fields.mobile = `13${
      String(at(i, 29) * 97 % 10 ** 9).padStart(9, "0")
    }`;
  });
  objects.filter((object) => object.model !== "users.user").forEach(
    (row, i) => {
      row.fields.openid = sha256Hex(`openid ${i}`).slice(0, 32).toUpperCase();
    },
  );
  return objects;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function django(args: string[], database: string): Promise<void> {
  const { success, stderr } = await new Deno.Command(PYTHON, {
    args,
    cwd: SHOP_DIR,
    env: {
      DJANGO_SETTINGS_MODULE: "settings",
      PYTHONPATH: SHOP_DIR,
      PYTHONDONTWRITEBYTECODE: "1",
      SHOP_DB: database,
    },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `python3 ${args.join(" ")} failed: ${
        new TextDecoder().decode(stderr).trim().split("\n").at(-1)
      }`,
    );
  }
}

async function hasDjango(): Promise<boolean> {
  const { success } = await new Deno.Command(PYTHON, {
    args: ["-c", "import django, bcrypt, argon2"],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => ({ success: false }));
  return success;
}
