// A copy of the working tree wired to real Fresh 1.7.3 instead of lib/fresh/, made with no access to
// deno.land, esm.sh or JSR: Fresh, deno.land/std, esbuild_deno_loader and esbuild's Deno module come
// from bare git clones, the rest from npm. Layout of the copy:
//
//   <dir>/app/        the working tree, its import map pointing `$fresh/` at ../fresh/
//   <dir>/fresh/      Fresh 1.7.3
//   <dir>/vendor/     std 0.216.0 (Fresh's) and 0.213.0 (the loader's), esbuild_deno_loader 0.10.3,
//                     deno.land/x/esbuild@v0.20.2/wasm.js rebuilt from esbuild's sources
//   <dir>/npm-pack/   esbuild-wasm and esbuild 0.20.2 from npm
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/** The bare clones, each at `<sources>/<owner>+<name>/repo` (`git clone --bare` of github.com/<owner>/<name>). */
export const SOURCES = {
  fresh: "denoland+fresh/repo",
  std: "denoland+std/repo",
  loader: "lucacasonato+esbuild_deno_loader/repo",
  esbuild: "evanw+esbuild/repo",
} as const;

export const FRESH_TAG = "1.7.3";
const STD_TAG = "0.216.0"; // what Fresh 1.7.3 imports
const LOADER_STD_TAG = "0.213.0"; // what esbuild_deno_loader 0.10.3 pins
// Fresh 1.7.3 pins @luca/esbuild-deno-loader 0.11.0, whose git tree lacks the wasm-bindgen build made
// at publish time; 0.10.3 is the pure-TypeScript loader Fresh 1.6.8 to 1.7.2 used.
const LOADER_TAG = "0.10.3";
const ESBUILD_TAG = "v0.20.2";
// Fresh's git blob of src/build/esbuild_v0.20.2.wasm, which bare clones may lack: npm's esbuild-wasm
// 0.20.2 ships the same bytes.
const ESBUILD_WASM = "src/build/esbuild_v0.20.2.wasm";
const ESBUILD_WASM_BLOB = "8ff72c225b2b448ba823cc9de56b450d410673e5";

/** What is missing for a wiring: clones not found in `sources`, tools not on PATH. */
export async function missingForWiring(sources: string): Promise<string[]> {
  const missing: string[] = [];
  for (const clone of Object.values(SOURCES)) {
    const head = await Deno.stat(`${sources}/${clone}/HEAD`).catch(() => null);
    if (!head) missing.push(`${sources}/${clone} (a bare git clone)`);
  }
  for (const tool of ["git", "tar", "npm", "node"]) {
    const found = await run("sh", ["-c", `command -v ${tool}`], {
      quiet: true,
    }).then(() => true, () => false);
    if (!found) missing.push(`${tool} on PATH`);
  }
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    missing.push("Linux x86_64 (esbuild's native binary comes from npm)");
  }
  return missing;
}

/** Makes `<dir>/app`, the working tree at `appDir` run on Fresh 1.7.3 from the clones in `sources`. */
export async function wireRealFresh(
  appDir: string,
  sources: string,
  dir: string,
): Promise<string> {
  const clone = (name: keyof typeof SOURCES) => `${sources}/${SOURCES[name]}`;
  const app = `${dir}/app`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(`${dir}/vendor`, { recursive: true });

  // The working tree as it is, tracked or new, without what .gitignore leaves out.
  const files = (await run("git", [
    "-C",
    appDir,
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
  ])).split("\0").filter(Boolean);
  for (const file of files) {
    const from = `${appDir}/${file}`;
    if (!await Deno.stat(from).catch(() => null)) continue; // deleted, not committed yet
    await mkdir(dirname(`${app}/${file}`), { recursive: true });
    await copyFile(from, `${app}/${file}`);
  }

  await exportTree(clone("fresh"), FRESH_TAG, `${dir}/fresh`, [
    ".",
    `:!${ESBUILD_WASM}`,
  ]);
  await exportTree(clone("std"), STD_TAG, `${dir}/vendor/std`);
  await exportTree(clone("std"), LOADER_STD_TAG, `${dir}/vendor/std213`);
  const loader = `${dir}/vendor/esbuild_deno_loader`;
  await exportTree(clone("loader"), LOADER_TAG, loader);
  // Its deno.json would send its bare @std/* imports to JSR; the copy's import map scopes them instead.
  await rename(`${loader}/deno.json`, `${loader}/deno.json.orig`);

  // Deno 2 has no Deno.run, so Fresh always takes esbuild's wasm build: the .wasm beside Fresh's
  // build code, and deno.land/x/esbuild@v0.20.2/wasm.js, rebuilt here from esbuild's own sources.
  const npmPack = `${dir}/npm-pack`;
  await mkdir(`${npmPack}/wasm`, { recursive: true });
  await mkdir(`${npmPack}/native`, { recursive: true });
  await run("npm", [
    "pack",
    "--silent",
    "esbuild-wasm@0.20.2",
    "@esbuild/linux-x64@0.20.2",
  ], { cwd: npmPack });
  await run("tar", ["-xzf", "esbuild-wasm-0.20.2.tgz", "-C", "wasm"], {
    cwd: npmPack,
  });
  await run("tar", ["-xzf", "esbuild-linux-x64-0.20.2.tgz", "-C", "native"], {
    cwd: npmPack,
  });
  const wasm = `${dir}/fresh/${ESBUILD_WASM}`;
  await copyFile(`${npmPack}/wasm/package/esbuild.wasm`, wasm);
  const blob = (await run("git", ["hash-object", wasm])).trim();
  if (blob !== ESBUILD_WASM_BLOB) {
    throw new Error(`npm's esbuild.wasm (${blob}) is not Fresh's blob`);
  }
  const esbuildSource = `${dir}/vendor/esbuild-src`;
  await exportTree(clone("esbuild"), ESBUILD_TAG, esbuildSource, [
    "lib",
    "version.txt",
  ]);
  await mkdir(`${dir}/vendor/esbuild_deno`);
  await run("node", [
    new URL("./_esbuild_deno_wasm.cjs", import.meta.url).pathname,
    esbuildSource,
    `${npmPack}/native/package/bin/esbuild`,
    `${npmPack}/wasm/package/wasm_exec.js`,
    `${dir}/vendor/esbuild_deno`,
  ]);

  await writeImportMap(`${app}/deno.json`);
  await run(Deno.execPath(), ["cache", "main.ts", "dev.ts"], {
    cwd: app,
    quiet: true,
  });
  return app;
}

/** `$fresh/` at Fresh 1.7.3, and every URL Fresh imports at code found here or on npm. */
async function writeImportMap(path: string) {
  const config = JSON.parse(await Deno.readTextFile(path));
  Object.assign(config.imports, {
    "$fresh/": "../fresh/",
    "https://deno.land/std@0.216.0/": "../vendor/std/",
    // esm.sh's `*` marks every dependency external, i.e. the import map's preact: npm's is the same.
    "https://esm.sh/*preact-render-to-string@6.3.1":
      "npm:preact-render-to-string@6.3.1",
    "https://esm.sh/@babel/helper-validator-identifier@7.22.20":
      "npm:@babel/helper-validator-identifier@7.22.20",
    // Imported for its types only (it would run only where Deno.run exists).
    "https://deno.land/x/esbuild@v0.20.2/mod.js": "npm:esbuild@0.20.2",
    "https://deno.land/x/esbuild@v0.20.2/wasm.js":
      "../vendor/esbuild_deno/wasm.js",
    "jsr:@luca/esbuild-deno-loader@0.11.0":
      "../vendor/esbuild_deno_loader/mod.ts",
    "https://deno.land/x/ts_morph@21.0.1/mod.ts": "npm:ts-morph@21.0.1",
  });
  const std = "../vendor/std213";
  const loader = "../vendor/esbuild_deno_loader";
  config.scopes = {
    [`${loader}/`]: {
      "@std/assert": `${std}/assert/mod.ts`,
      "@std/encoding/base32": `${std}/encoding/base32.ts`,
      "@std/encoding": `${std}/encoding/mod.ts`,
      "@std/fs": `${std}/fs/mod.ts`,
      "@std/jsonc": `${std}/jsonc/mod.ts`,
      "@std/path": `${std}/path/mod.ts`,
      "x/importmap": `${loader}/vendor/x/importmap/mod.ts`,
      "x/importmap/_util.ts": `${loader}/vendor/x/importmap/_util.ts`,
    },
  };
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n");
}

/** `git archive <tag> [paths]` of a bare clone, unpacked into `to`. */
async function exportTree(
  gitDir: string,
  tag: string,
  to: string,
  paths: string[] = [],
) {
  await mkdir(to, { recursive: true });
  const archive = new Deno.Command("git", {
    args: [`--git-dir=${gitDir}`, "archive", tag, "--", ...paths],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tar = new Deno.Command("tar", {
    args: ["-x", "-C", to],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const [, archived, complaint, untarred] = await Promise.all([
    archive.stdout.pipeTo(tar.stdin),
    archive.status,
    new Response(archive.stderr).text(),
    tar.output(),
  ]);
  // A clone that lacks a blob git was told to leave out still says so on stderr, and exits 0.
  if (!archived.success || !untarred.success) {
    throw new Error(
      `git archive ${tag} of ${gitDir} failed: ${complaint}${
        new TextDecoder().decode(untarred.stderr)
      }`,
    );
  }
}

/** Runs a command to its end; its stdout, or an error with its stderr. */
async function run(
  command: string,
  args: string[],
  { cwd, quiet = false }: { cwd?: string; quiet?: boolean } = {},
): Promise<string> {
  const { success, code, stdout, stderr } = await new Deno.Command(command, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!success) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${code}${
        quiet ? "" : ":\n" + text.decode(stderr)
      }`,
    );
  }
  return text.decode(stdout);
}
