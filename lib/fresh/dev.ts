// `deno run -A dev.ts`: refresh fresh.gen.ts, then start the app; `dev.ts build`: write `_fresh/`.
import type { FreshConfig, Manifest } from "./types.ts";
import { generateManifest } from "./manifest.ts";
import { bundleIslands, filePath } from "./bundle.ts";
import { outDirOf, writeSnapshot } from "./snapshot.ts";

export { generateManifest } from "./manifest.ts";

const SOURCE = /\.[jt]sx?$/;
const TEST_FILE = /[._]test\.[jt]sx?$/;

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
  const previous = await Deno.readTextFile(genFile).catch(() => null);
  if (previous !== text) {
    await Deno.writeTextFile(genFile, text);
    console.log(`Wrote ${genFile}`);
  }

  if (Deno.args.includes("build")) {
    const { default: manifest } = await import(
      new URL("./fresh.gen.ts", dir).href
    );
    await build(manifest, config);
    Deno.exit(0);
  }
  await import(new URL(entrypoint, base).href);
}

/** Bundles the islands into `config.build.outDir` (default `_fresh/`), for servers that can't bundle. */
export async function build(manifest: Manifest, config: FreshConfig = {}) {
  const bundle = await bundleIslands(manifest);
  const outDir = outDirOf(manifest, config);
  await writeSnapshot(outDir, bundle);
  console.log(
    `Built ${bundle.files.size} files into ${outDir} (build ${bundle.buildId})`,
  );
}

/** Source files below `dir/folder`, as paths from `dir`, sorted. */
async function sourceFiles(dir: URL, folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const entry of Deno.readDir(filePath(new URL(path, dir)))) {
        entries.push(entry);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(child);
      else if (SOURCE.test(entry.name) && !TEST_FILE.test(entry.name)) {
        found.push(child);
      }
    }
  };
  await walk(folder);
  return found.sort();
}
