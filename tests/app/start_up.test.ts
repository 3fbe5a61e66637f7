// Start-up loads what serving a page needs and no more: a module only some pages or commands use is
// imported where it is first used (on Deno Deploy every new isolate pays for each module it loads).
import { deepEqual, ok } from "node:assert/strict";

/** Loaded at their first use: the legal texts' Markdown, the image code's PNG and fonts, Django's hashes, MySQL. */
const LOADED_WHEN_USED = [
  "markdown-it",
  "fast-png",
  "hersheytext",
  "hash-wasm",
  "mysql2",
];

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface Module {
  specifier: string;
  kind?: string;
  npmPackage?: string;
  dependencies?: Dependency[];
}

/** The npm packages main.ts reaches through static imports, as `deno info` resolves them. */
async function packagesLoadedAtStart(): Promise<Set<string>> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  ok(success, new TextDecoder().decode(stderr));
  const info = JSON.parse(new TextDecoder().decode(stdout)) as {
    roots: string[];
    modules: Module[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(
    info.modules.map((module) => [module.specifier, module]),
  );
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    const resolved = info.redirects[specifier] ?? specifier;
    if (seen.has(resolved)) return;
    seen.add(resolved);
    const module = bySpecifier.get(resolved);
    if (!module) return;
    if (module.npmPackage) {
      // "markdown-it@15.0.3", "@preact/signals@2.11.4_preact@10.29.8": the name before the version.
      packages.add(module.npmPackage.replace(/^(@?[^@]+)@.*$/, "$1"));
    }
    for (const dependency of module.dependencies ?? []) {
      if (!dependency.isDynamic && dependency.code) {
        visit(dependency.code.specifier);
      }
    }
  };
  info.roots.forEach(visit);
  return packages;
}

Deno.test("start-up loads no package that only some pages or commands use", async () => {
  const packages = await packagesLoadedAtStart();
  ok(packages.has("preact"), `the walk found ${[...packages].join(", ")}`);
  deepEqual(
    LOADED_WHEN_USED.filter((name) => packages.has(name)),
    [],
  );
});
