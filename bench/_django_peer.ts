// The bind throughput's peer: the seed's Django view (bench/django_peer/) on Debian's python3-django,
// gunicorn (one sync worker per core, as the seed's shop ran) and python3-bcrypt at the app's cost,
// on a SQLite file of its own. Installed with apt-get when missing; where that fails the figure says
// so instead of comparing.
import { aptInstall } from "./_apt.ts";
import type { PreparedBind } from "./_flow.ts";
import { inParallel } from "./_load.ts";
import { freePort, untilOk } from "./_server.ts";

const PYTHON = "/usr/bin/python3"; // Debian's, which its python3-* packages are for
const PACKAGES = ["python3-django", "gunicorn", "python3-bcrypt"];
const PEER_DIR = new URL("./django_peer/", import.meta.url).pathname;

export interface DjangoPeer {
  origin: string;
  /** Binds ready to POST to /oauth_callback: an SMS code and an access token for a new mobile each. */
  prepareBinds(count: number): Promise<PreparedBind[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the peer, or says why it could not. */
export async function startDjangoPeer(
  cost: number,
  workers: number,
): Promise<DjangoPeer | { unavailable: string }> {
  if (!(await hasPackages())) {
    const failed = await aptInstall(PACKAGES);
    if (failed || !(await hasPackages())) {
      return {
        unavailable: `apt-get install ${PACKAGES.join(" ")}: ${failed}`,
      };
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "bench-django-" });
  const env = {
    DJANGO_SETTINGS_MODULE: "settings",
    PYTHONPATH: PEER_DIR,
    PYTHONDONTWRITEBYTECODE: "1",
    PEER_DB: `${dir}/db.sqlite3`,
    PEER_SECRET_KEY: crypto.randomUUID(),
    PEER_BCRYPT_COST: String(cost),
  };
  for (const command of [["migrate", "-v0"], ["createcachetable"]]) {
    const { success, stderr } = await new Deno.Command(PYTHON, {
      args: ["-m", "django", ...command],
      env,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      await Deno.remove(dir, { recursive: true });
      return {
        unavailable: `django ${command[0]} failed: ${
          new TextDecoder().decode(stderr).trim().split("\n").at(-1)
        }`,
      };
    }
  }
  const port = freePort();
  const child = new Deno.Command(PYTHON, {
    args: [
      "-m",
      "gunicorn",
      `--workers=${workers}`,
      `--bind=127.0.0.1:${port}`,
      "--chdir",
      PEER_DIR,
      "wsgi:application",
    ],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const errors = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const exited = child.status.then(async (status) => {
    const { value } = await errors.read();
    throw new Error(`gunicorn exited with ${status.code}: ${value ?? ""}`);
  });
  exited.catch(() => {});
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await errors.cancel();
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await untilOk(origin, exited, 50, "/ready");
  } catch (error) {
    await stop().catch(() => {});
    return { unavailable: String(error) };
  }
  let mobiles = 0;
  return {
    origin,
    async prepareBinds(count) {
      const binds: PreparedBind[] = [];
      // One at a time: Django's database cache drops a write that meets SQLite's lock, without a word.
      await inParallel(count, 1, async (i) => {
        const mobile = `137${String(mobiles++).padStart(8, "0")}`;
        const response = await fetch(`${origin}/prepare/${mobile}`, {
          method: "POST",
        });
        const { sms_code, access_token } = await response.json();
        binds[i] = {
          mobile,
          smsCode: sms_code,
          accessToken: access_token,
          cookie: "",
        };
      });
      return binds;
    },
    [Symbol.asyncDispose]: stop,
  };
}

async function hasPackages(): Promise<boolean> {
  const { success } = await new Deno.Command(PYTHON, {
    args: ["-c", "import django, gunicorn, bcrypt"],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => ({ success: false }));
  return success;
}
