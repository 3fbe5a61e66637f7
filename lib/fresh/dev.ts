// `deno run -A dev.ts`: refresh fresh.gen.ts, then start the app; `dev.ts build`: write `_fresh/`.
import type { FreshConfig, Manifest } from "./types.ts";
import { generateManifest } from "./manifest.ts";
import { bundleIslands, filePath, snapshotPath } from "./bundles.ts";

export { generateManifest } from "./manifest.ts";

export default async function dev(
  base: string,
  entrypoint: string,
  config: FreshConfig = {},
) {
  const dir = new URL("./", base);
  const text = generateManifest(
    await sourceFiles(dir, "routes"),
    await sourceFiles(dir, "islands"),
  );
  const genFile = filePath(new URL("./fresh.gen.ts", dir));
  if (await Deno.readTextFile(genFile).catch(() => null) !== text) {
    await Deno.writeTextFile(genFile, text);
    console.log(`Wrote ${genFile}`);
  }
  if (Deno.args.includes("build")) {
    const manifest = await import(new URL("./fresh.gen.ts", dir).href);
    await build(manifest.default, config);
    Deno.exit(0);
  }
  await import(new URL(entrypoint, base).href);
}

/** Bundles the islands into `config.build.outDir` (default `_fresh/`), for servers that can't bundle. */
export async function build(manifest: Manifest, config: FreshConfig = {}) {
  const bundle = await bundleIslands(manifest);
  const path = snapshotPath(manifest, config);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(bundle, null, 1) + "\n");
  console.log(`Wrote ${path} (build ${bundle.buildId})`);
}

/** Source files below `dir/folder`, as paths from `dir`, tests left out. */
async function sourceFiles(dir: URL, folder: string): Promise<string[]> {
  const found: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(new URL(folder, dir)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const entry of entries) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) found.push(...await sourceFiles(dir, path));
    else if (/(?<![._]test)\.[jt]sx?$/.test(entry.name)) found.push(path);
  }
  return found;
}
