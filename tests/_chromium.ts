// The one Chromium launcher of every browser test, driven by playwright-core. It never downloads a
// browser: it takes the machine's Chromium, or the one shipped inside the npm package @sparticuz/chromium.
import { type Browser, chromium } from "playwright-core";
import sparticuz, { inflate } from "@sparticuz/chromium";

/** Debian's Chromium (`apt-get install -y chromium`), used when present. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Where the settings are read: `Deno.env`, or a test's own. */
export type Env = { get(name: string): string | undefined };

/** Which Chromium to run; `npm` is the one unpacked from @sparticuz/chromium. */
export type ChromiumChoice =
  | { source: "CHROMIUM_PATH" | "system"; path: string }
  | { source: "npm" };

/**
 * `CHROMIUM_PATH` when set (the word `npm` forces the package's Chromium, even where Debian's is
 * installed), else Debian's Chromium when present, else the package's.
 */
export async function chooseChromium(
  env: Env,
  exists: (path: string) => Promise<boolean>,
): Promise<ChromiumChoice> {
  const wanted = env.get("CHROMIUM_PATH");
  if (wanted === "npm") return { source: "npm" };
  if (wanted) return { source: "CHROMIUM_PATH", path: wanted };
  if (await exists(SYSTEM_CHROMIUM)) {
    return { source: "system", path: SYSTEM_CHROMIUM };
  }
  return { source: "npm" };
}

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  // This machine has no network: without these Chromium keeps trying to reach Google's hosts.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let announced = false;

/**
 * Launches headless Chromium (see `chooseChromium`) with `extraArgs` besides its own, and says once
 * which one. Close it with `await using`.
 */
export async function launchChromium(
  env: Env = Deno.env,
  extraArgs: string[] = [],
): Promise<Browser> {
  const choice = await chooseChromium(env, fileExists);
  const { path, extraEnv } = choice.source === "npm"
    ? await unpackNpmChromium()
    : { path: choice.path, extraEnv: {} };
  if (!await fileExists(path)) {
    throw new Error(
      `No Chromium at ${path} (from ${choice.source}): unset CHROMIUM_PATH to use the one in @sparticuz/chromium`,
    );
  }
  const browser = await chromium.launch({
    executablePath: path,
    headless: true,
    args: [...ARGS, ...extraArgs],
    env: { ...Deno.env.toObject(), ...extraEnv },
  });
  if (!announced) {
    announced = true;
    console.log(
      `Chromium ${browser.version()} at ${path} (${describe(choice)})`,
    );
  }
  return browser;
}

function describe(choice: ChromiumChoice): string {
  switch (choice.source) {
    case "CHROMIUM_PATH":
      return "set by CHROMIUM_PATH";
    case "system":
      return "the machine's";
    case "npm":
      return "from the npm package @sparticuz/chromium";
  }
}

/**
 * The package ships Chromium brotli-compressed, with the NSS and expat libraries it links against (so it
 * runs where they are not installed) and Open Sans. It unpacks into the temporary folder, so it is
 * unpacked once per machine into a folder of its own, then renamed into place: a run killed halfway, or
 * two runs at once, never leave a half-written browser for the next one.
 */
async function unpackNpmChromium(): Promise<
  { path: string; extraEnv: Record<string, string> }
> {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    throw new Error(
      `The Chromium in @sparticuz/chromium runs on Linux x64 only, not ${Deno.build.target}: set CHROMIUM_PATH to a Chromium or Chrome`,
    );
  }
  const packageDir = new URL("../", import.meta.resolve("@sparticuz/chromium"));
  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("package.json", packageDir)),
  );
  const tmpdir = Deno.env.get("TMPDIR");
  const tmp = tmpdir || "/tmp";
  const dir = `${tmp}/sparticuz-chromium-${version}`;
  const libraries = Deno.env.get("LD_LIBRARY_PATH");
  const unpacked = {
    path: `${dir}/chromium`,
    extraEnv: {
      LD_LIBRARY_PATH: [`${dir}/al2023/lib`, libraries].filter(Boolean)
        .join(":"),
      FONTCONFIG_FILE: `${dir}/fonts.conf`,
    },
  };
  if (await fileExists(unpacked.path)) return unpacked;

  const started = performance.now();
  const partial = await Deno.makeTempDir({
    dir: tmp,
    prefix: `sparticuz-chromium-${version}-`,
  });
  // The package writes into os.tmpdir(), read from TMPDIR on every call.
  Deno.env.set("TMPDIR", partial);
  try {
    await sparticuz.executablePath();
    await inflate(new URL("bin/al2023.tar.br", packageDir).pathname);
    await Deno.writeTextFile(`${partial}/fonts.conf`, fontsConf(dir));
  } finally {
    if (tmpdir === undefined) Deno.env.delete("TMPDIR");
    else Deno.env.set("TMPDIR", tmpdir);
  }
  try {
    await Deno.rename(partial, dir);
    console.log(
      `Unpacked @sparticuz/chromium ${version} into ${dir} in ${
        Math.round(performance.now() - started)
      } ms`,
    );
  } catch (error) {
    // Another run unpacked it first: use theirs.
    await Deno.remove(partial, { recursive: true });
    if (!await fileExists(unpacked.path)) throw error;
  }
  return unpacked;
}

/**
 * The machine's fonts (Chinese ones among them, where installed) and the package's Open Sans: with no
 * font at all, Chromium's pages crash.
 */
function fontsConf(dir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${dir}/fonts</dir>
  <cachedir>${dir}/fonts-cache</cachedir>
</fontconfig>
`;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
