// Moves a meiduo shop's customers over from Django (docs/moving-over.md):
//
//   deno task import:django --dumpdata FILE        the JSON of `manage.py dumpdata users.User oauth.OAuthQQUser` (- reads stdin)
//   deno task import:django --mysql mysql://USER:PASS@HOST:PORT/DB     the shop's tables, read directly
//
//   --user-model LABEL, --qq-model LABEL   the dump's models (users.User, oauth.OAuthQQUser)
//   --users-table NAME, --qq-table NAME    the database's tables (tb_users, tb_oauth_qq)
//   --time-zone ZONE    the zone of times written without one (a shop with USE_TZ = False: its TIME_ZONE); UTC
//   --dry-run           decide everything and write nothing
//   --progress-every S  seconds between progress lines when not on a terminal (5)
//
// Writes to the KV that DENO_KV_PATH names (a file, or a KV Connect URL with DENO_KV_ACCESS_TOKEN). Ends
// with one summary line on stdout and exit 0; a source it cannot read or that is malformed: one line on
// stderr, exit 2, nothing written; a store it cannot write: exit 1.
import { parseArgs } from "node:util";
import { DEFAULT_LABELS, readDumpdata } from "@/lib/import/dumpdata.ts";
import { DEFAULT_TABLES, readMysql } from "@/lib/import/mysql.ts";
import { progressReporter } from "@/lib/import/progress.ts";
import { importShop, summaryLine } from "@/lib/import/run.ts";
import {
  isTimeZone,
  type ShopSource,
  SourceError,
} from "@/lib/import/source.ts";

const USAGE =
  "usage: deno task import:django (--dumpdata FILE | --mysql mysql://USER:PASS@HOST:PORT/DB) [--dry-run]";

function fail(code: 1 | 2, line: string): never {
  console.error(`import: ${line}`);
  Deno.exit(code);
}

function parseOptions() {
  try {
    return parseArgs({
      args: Deno.args,
      strict: true,
      allowPositionals: false,
      options: {
        dumpdata: { type: "string" },
        mysql: { type: "string" },
        "user-model": { type: "string", default: DEFAULT_LABELS.userModel },
        "qq-model": { type: "string", default: DEFAULT_LABELS.qqModel },
        "users-table": { type: "string", default: DEFAULT_TABLES.usersTable },
        "qq-table": { type: "string", default: DEFAULT_TABLES.qqTable },
        "time-zone": { type: "string", default: "UTC" },
        "dry-run": { type: "boolean", default: false },
        "progress-every": { type: "string", default: "5" },
      },
    }).values;
  } catch (error) {
    return fail(2, `${(error as Error).message}; ${USAGE}`);
  }
}

const options = parseOptions();
if ((options.dumpdata === undefined) === (options.mysql === undefined)) {
  fail(2, USAGE);
}
const zone = options["time-zone"];
if (!isTimeZone(zone)) fail(2, `--time-zone ${zone} is not a time zone`);
const progressEvery = Number(options["progress-every"]);
if (!Number.isFinite(progressEvery) || progressEvery < 0) {
  fail(2, "--progress-every takes a number of seconds");
}

async function readSource(): Promise<ShopSource> {
  if (options.mysql !== undefined) {
    return await readMysql(options.mysql, zone, {
      usersTable: options["users-table"],
      qqTable: options["qq-table"],
    });
  }
  const file = options.dumpdata!;
  let text: string;
  try {
    text = file === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(file);
  } catch (error) {
    throw new SourceError(
      `cannot read ${file === "-" ? "standard input" : file}: ${
        (error as Error).message
      }`,
    );
  }
  return readDumpdata(text, file === "-" ? "standard input" : file, zone, {
    userModel: options["user-model"],
    qqModel: options["qq-model"],
  });
}

// The whole source is read and checked before the store is opened: a bad one leaves no trace.
let source: ShopSource;
try {
  source = await readSource();
} catch (error) {
  if (error instanceof SourceError) fail(2, error.message);
  throw error;
}

const path = Deno.env.get("DENO_KV_PATH") || undefined;
let kv: Deno.Kv;
try {
  kv = await Deno.openKv(path);
} catch (error) {
  fail(1, `cannot open ${path ?? "the default KV"}: ${error}`);
}

const progress = progressReporter({
  write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
  terminal: Deno.stderr.isTerminal(),
  now: () => Date.now(),
  everyMs: progressEvery * 1000,
});
try {
  const report = await importShop(kv, source, {
    dryRun: options["dry-run"],
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.end();
  console.log(summaryLine(report));
} catch (error) {
  progress.end();
  fail(1, `stopped: ${(error as Error).message}; run it again to go on`);
} finally {
  kv.close();
}
