// The `_fresh/` folder `dev.ts build` writes: `snapshot.json` (build id, entries, file list)
// and the bundle's files under `js/`. A server that finds it serves it and never bundles.
import type { FreshConfig, Manifest } from "./types.ts";
import { type Bundle, filePath } from "./bundle.ts";

export function outDirOf(manifest: Manifest, config: FreshConfig): string {
  return config.build?.outDir ??
    filePath(new URL("./_fresh", manifest.baseUrl));
}

export async function writeSnapshot(outDir: string, bundle: Bundle) {
  await Deno.remove(`${outDir}/js`, { recursive: true }).catch(() => {});
  for (const [path, contents] of bundle.files) {
    const target = `${outDir}/js/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
      recursive: true,
    });
    await Deno.writeFile(target, contents);
  }
  const { buildId, entries } = bundle;
  const snapshot = { buildId, entries, files: [...bundle.files.keys()].sort() };
  await Deno.writeTextFile(
    `${outDir}/snapshot.json`,
    JSON.stringify(snapshot, null, 2) + "\n",
  );
}

export async function readSnapshot(outDir: string): Promise<Bundle | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${outDir}/snapshot.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const snapshot = JSON.parse(text) as {
    buildId: string;
    entries: Record<string, string>;
    files: string[];
  };
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const path of snapshot.files) {
    files.set(path, await Deno.readFile(`${outDir}/js/${path}`));
  }
  return { buildId: snapshot.buildId, files, entries: snapshot.entries };
}
