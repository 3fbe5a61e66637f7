// At a million accounts: the bind, a QQ login of a bound openid, a password login, the account page and
// start-up on a store of 1,000,000 users, 1,000,000 QQ bindings and 2,000,000 sessions, each against
// the same on a store holding only the accounts the figures use, in the same run. The two servers
// (deno task serve's way) take turns, round after round, so the machine's moods fall on both alike.
// Then what a million accounts cost on disk, and deno task kv:check's peak memory reading them all.
import { bind, prepareBinds } from "./_flow.ts";
import { type Figure, fixed, ratioFigure, round } from "./_figure.ts";
import { runLoad } from "./_load.ts";
import {
  SEEDED_PASSWORD,
  seededMobile,
  seededOpenid,
  seedStore,
} from "./_seed_store.ts";
import { type Server, spawn, startApp } from "./_server.ts";
import { copyStore, seededStore, storeBytes } from "./_stores.ts";
import { medianOf, timeOneStart } from "./startup.ts";
import { processCpuMs } from "./page_throughput.ts";

export const MILLION = 1_000_000;
/** The accounts the figures log in as: all of the small store, spread over the large one. */
const USED = 1000;
const ROUNDS = 4;
const STARTS = 9;
const BINDS_PER_ROUND = 48;
const TARGET = 1.1;
/** kv:check must read a million accounts in less. */
const KV_CHECK_MIB = 256;

interface Side {
  name: "empty" | "million";
  server: Server;
  /** Account number of the k-th account the figures use. */
  account: (k: number) => number;
  /** Cookies of members logged in by the password logins, for the account page. */
  members: string[];
}

interface Measured {
  count: number;
  seconds: number;
  cpuMs: number;
}

export async function atAMillion(
  appDir: string,
  cost: number,
  cores: number,
  seconds: number,
  log: (line: string) => void,
  /** Fewer for a smoke run of the bench (BENCH_ACCOUNTS). */
  accounts = MILLION,
): Promise<Figure[]> {
  const at = accounts === MILLION
    ? "at a million accounts"
    : `at ${accounts.toLocaleString("en")} accounts`;
  let shown = "";
  const store = await seededStore(accounts, ({ table, rows }) => {
    if (table === shown) return;
    shown = table;
    log(
      `seeding ${accounts.toLocaleString("en")} accounts: ${table} (${
        rows.toLocaleString("en")
      } rows so far)`,
    );
  });
  log(
    `store of ${accounts.toLocaleString("en")} accounts: ${
      store.rows.toLocaleString("en")
    } rows, seeded in ${store.seedSeconds} s ${
      store.seededNow ? "in this run" : `on ${store.seededAt} (reused)`
    }; ${fixed(store.bytes / 2 ** 20, 0)} MiB`,
  );
  const dir = await Deno.makeTempDir({ prefix: "bench-million-" });
  try {
    const small = `${dir}/small.kv`;
    await seedStore(small, USED);
    const large = await copyStore(store.path, dir);
    // Spread over the store, from a place of this run's own.
    const gap = Math.floor(accounts / USED);
    const offset = Math.floor(Math.random() * gap);
    const spread = (k: number) => (k % USED) * gap + offset;

    const starts = { empty: [] as number[], million: [] as number[] };
    for (let run = 0; run < STARTS; run++) {
      starts.empty.push(await timeOneStart(appDir, cost, "preview", small));
      starts.million.push(await timeOneStart(appDir, cost, "preview", large));
    }

    await using emptyServer = await startApp(appDir, cost, "serve", [], {
      kvPath: small,
    });
    await using millionServer = await startApp(appDir, cost, "serve", [], {
      kvPath: large,
    });
    const sides: Side[] = [
      {
        name: "empty",
        server: emptyServer,
        account: (k) => k % USED,
        members: [],
      },
      { name: "million", server: millionServer, account: spread, members: [] },
    ];
    const concurrency = 8 * cores;
    const timed = { seconds: seconds / 2, concurrency };
    const operations: Record<
      string,
      (side: Side, round: number) => Promise<Measured>
    > = {
      "QQ login of a bound openid": (side) =>
        during(
          side,
          timed,
          (k) => qqLogin(side.server, seededOpenid(side.account(k))),
        ),
      "password login": (side) =>
        during(side, timed, async (k) => {
          side.members.push(
            await passwordLogin(side.server, seededMobile(side.account(k)), k),
          );
        }),
      "account page": (side) =>
        during(
          side,
          timed,
          (k) =>
            accountPage(side.server, side.members[k % side.members.length]),
        ),
      "bind": async (side) => {
        const binds = await prepareBinds(side.server, BINDS_PER_ROUND);
        return await measured(
          side,
          async () =>
            (await runLoad((i) => bind(side.server.origin, binds[i]), {
              count: binds.length,
              concurrency,
            })).count,
        );
      },
    };
    const results: Record<string, Record<Side["name"], Measured[]>> = {};
    for (const [name, operation] of Object.entries(operations)) {
      results[name] = { empty: [], million: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Each round the other one goes first.
        for (const side of round % 2 ? sides.toReversed() : sides) {
          results[name][side.name].push(await operation(side, round));
        }
      }
    }

    const figures: Figure[] = Object.entries(results).map(([name, by]) => {
      const [empty, million] = [total(by.empty), total(by.million)];
      const rate = (m: Measured) => m.count / m.seconds;
      const cpu = (m: Measured) => m.cpuMs * 1000 / m.count;
      const rounds = (list: Measured[]) =>
        list.map((m) => fixed(rate(m), 1)).join(", ");
      // What Deno Deploy bills, and where a lookup that grows with the store would show: the
      // server's CPU per operation. The rates, which the machine's other work moves more, beside it.
      return ratioFigure(
        `${at}: ${name}`,
        `${fixed(cpu(million), 0)} µs server CPU per ${name} (${
          fixed(rate(million), 1)
        }/s) vs ${fixed(cpu(empty), 0)} µs (${
          fixed(rate(empty), 1)
        }/s) on the store of ${USED} accounts`,
        cpu(million) / cpu(empty),
        { op: "≤", value: TARGET },
        {
          million: {
            perSecond: round(rate(million), 2),
            cpuMicros: round(cpu(million)),
            ...million,
          },
          empty: {
            perSecond: round(rate(empty), 2),
            cpuMicros: round(cpu(empty)),
            ...empty,
          },
          timeRatio: round(rate(empty) / rate(million), 3),
          concurrency,
        },
        ` (time per ${name} ${
          fixed(rate(empty) / rate(million), 2)
        }×; rounds, per second: million ${rounds(by.million)}, empty ${
          rounds(by.empty)
        })`,
      );
    });

    const [emptyStart, millionStart] = [
      medianOf(starts.empty),
      medianOf(starts.million),
    ];
    figures.push(ratioFigure(
      `${at}: start-up`,
      `${
        fixed(millionStart.median, 0)
      } ms to the first 200 (median of ${STARTS}: ${
        millionStart.sorted.map((t) => fixed(t, 0)).join(", ")
      }) vs ${
        fixed(emptyStart.median, 0)
      } ms on the store of ${USED} accounts (${
        emptyStart.sorted.map((t) => fixed(t, 0)).join(", ")
      })`,
      millionStart.median / emptyStart.median,
      { op: "≤", value: TARGET },
      {
        millionMs: millionStart.times.map((t) => round(t)),
        emptyMs: emptyStart.times.map((t) => round(t)),
      },
    ));

    const smallBytes = await storeBytes(small);
    figures.push({
      name: `${at}: bytes per account`,
      details: {
        accounts,
        rows: store.rows,
        bytes: store.bytes,
        bytesPerAccount: Math.round(store.bytes / accounts),
        seedSeconds: store.seedSeconds,
        seededAt: store.seededAt,
        smallStoreBytesPerAccount: Math.round(smallBytes / USED),
      },
      line: `${at}: the KV file holds ${fixed(store.bytes / 2 ** 20, 0)} MiB, ${
        Math.round(store.bytes / accounts)
      } bytes per account (a user, its 2 indexes, a QQ binding and its index, 2 sessions and their indexes, its consent: ${
        store.rows / accounts
      } rows); seeded in ${store.seedSeconds} s (reported)`,
    });
    figures.push(await kvCheck(appDir, store.path, at));
    return figures;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `operation(k)` for k = 0, 1, … as fast as `concurrency` allows, for `seconds`. */
function during(
  side: Side,
  { seconds, concurrency }: { seconds: number; concurrency: number },
  operation: (k: number) => Promise<void>,
): Promise<Measured> {
  return measured(side, async () => {
    const signal = AbortSignal.timeout(seconds * 1000);
    return (await runLoad((i) => operation(i), {
      count: Number.MAX_SAFE_INTEGER,
      concurrency,
      signal,
    })).count;
  });
}

async function measured(
  side: Side,
  work: () => Promise<number>,
): Promise<Measured> {
  const cpuBefore = processCpuMs(side.server.pid);
  const started = performance.now();
  const count = await work();
  return {
    count,
    seconds: (performance.now() - started) / 1000,
    cpuMs: processCpuMs(side.server.pid) - cpuBefore,
  };
}

function total(list: Measured[]): Measured {
  return list.reduce((a, b) => ({
    count: a.count + b.count,
    seconds: a.seconds + b.seconds,
    cpuMs: a.cpuMs + b.cpuMs,
  }));
}

/** A client address of its own per request: the per-address caps are not what is measured. */
const address = (k: number) =>
  `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;

/** QQ login through the simulator as `openid`, bound already: answered 303 with a session. */
async function qqLogin(app: Server, openid: string) {
  const from = { "x-forwarded-for": address(parseInt(openid.slice(-6), 16)) };
  const login = await fetch(`${app.origin}/oauth/qq/login?next=/`, {
    redirect: "manual",
    headers: from,
  });
  await login.body?.cancel();
  const state = login.headers.get("set-cookie")?.match(
    /oauth_state_[\w-]+=[^;]+/,
  )?.[0];
  const authorize = login.headers.get("location");
  if (login.status !== 302 || !state || !authorize) {
    throw new Error(`QQ login answered ${login.status}`);
  }
  const granted = await fetch(new URL(authorize, app.origin), {
    method: "POST",
    body: new URLSearchParams({ nickname: "压测用户", openid }),
    redirect: "manual",
  });
  await granted.body?.cancel();
  const callback = granted.headers.get("location");
  if (granted.status !== 302 || !callback) {
    throw new Error(`the QQ simulator answered ${granted.status}`);
  }
  const back = await fetch(new URL(callback, app.origin), {
    headers: { cookie: state, ...from },
    redirect: "manual",
  });
  await back.body?.cancel();
  if (back.status !== 303 || !sessionOf(back)) {
    throw new Error(
      `the QQ callback for a bound openid answered ${back.status} without a session`,
    );
  }
}

async function passwordLogin(app: Server, mobile: string, k: number) {
  const response = await fetch(`${app.origin}/login?next=/account`, {
    method: "POST",
    body: new URLSearchParams({
      username: mobile,
      password: SEEDED_PASSWORD,
      remembered: "on",
    }),
    headers: { "x-forwarded-for": address(k) },
    redirect: "manual",
  });
  await response.body?.cancel();
  const session = sessionOf(response);
  if (response.status !== 303 || !session) {
    throw new Error(`the login of ${mobile} answered ${response.status}`);
  }
  return session;
}

async function accountPage(app: Server, cookie: string) {
  const response = await fetch(`${app.origin}/account`, {
    headers: { cookie },
  });
  const html = await response.text();
  if (response.status !== 200 || !html.includes("/logout")) {
    throw new Error(`the account page answered ${response.status}`);
  }
}

function sessionOf(response: Response): string | undefined {
  return response.headers.getSetCookie().map((c) => c.split(";")[0])
    .find((pair) => /^(__Host-)?session=/.test(pair));
}

/** deno task kv:check on the store of a million: its time and the peak memory it prints. */
async function kvCheck(
  appDir: string,
  store: string,
  at: string,
): Promise<Figure> {
  const lines: string[] = [];
  const started = performance.now();
  const checker = spawn(["run", "-A", "scripts/kv_check.ts", store], appDir, {
    NO_COLOR: "1",
  }, (line) => lines.push(line));
  const status = await checker.child.status;
  await checker.stop();
  const secondsTaken = (performance.now() - started) / 1000;
  const output = lines.join("\n");
  const mib = Number(output.match(/^peak memory: (\d+) MiB$/m)?.[1]);
  if (!status.success || !mib) {
    throw new Error(
      `kv:check on the store of a million failed (exit ${status.code}):\n${output}`,
    );
  }
  return ratioFigure(
    `${at}: kv:check peak memory`,
    `deno task kv:check read ${
      output.match(/^users: (\d+)$/m)?.[1]
    } users, their bindings and sessions in ${
      fixed(secondsTaken, 0)
    } s, at most ${mib} MiB resident vs the ${KV_CHECK_MIB} MiB budget`,
    mib / KV_CHECK_MIB,
    { op: "≤", value: 1 },
    {
      peakMiB: mib,
      seconds: round(secondsTaken),
      output: lines.filter((l) => /^\w+: \d+$/.test(l)),
    },
  );
}
