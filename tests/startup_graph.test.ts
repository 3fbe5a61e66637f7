// What the server loads before its first answer: no module of Deno's Node layer (node:*), which costs
// about 40 ms of start-up here, and no package only some pages or commands use (on Deno Deploy each new
// isolate pays for every module it loads). They load where they are needed, later: node:zlib at the
// first page to gzip, node:os in the hashing threads, markdown-it at the first legal text shown.
import { deepEqual, ok } from "node:assert/strict";

interface Graph {
  modules: {
    specifier: string;
    dependencies?: {
      specifier: string;
      code?: { specifier: string };
      isDynamic?: boolean;
    }[];
  }[];
}

/** The modules `entry` imports statically, at any depth (dynamic and type-only imports left out). */
async function loadedAtStart(entry: string): Promise<Set<string>> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  ok(success, new TextDecoder().decode(stderr));
  const graph: Graph = JSON.parse(new TextDecoder().decode(stdout));
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) {
        visit(dependency.code.specifier);
      }
    }
  };
  visit(new URL(`../${entry}`, import.meta.url).href);
  return seen;
}

/**
 * Loaded at their first use: the legal texts' Markdown, the image code's PNG and fonts, Django's
 * password hashes, the import's MySQL driver.
 */
const LOADED_WHEN_USED = [
  "markdown-it",
  "fast-png",
  "hersheytext",
  "hash-wasm",
  "mysql2",
];

for (const entry of ["main.ts", "serve.ts"]) {
  Deno.test(`${entry} loads no node: module before it serves`, async () => {
    const loaded = await loadedAtStart(entry);
    ok(loaded.size > 50, `only ${loaded.size} modules found`);
    deepEqual([...loaded].filter((s) => s.startsWith("node:")), []);
  });

  Deno.test(`${entry} loads no package only some pages or commands use before it serves`, async () => {
    const loaded = [...await loadedAtStart(entry)];
    const loads = (name: string) =>
      loaded.some((specifier) => specifier.startsWith(`npm:${name}@`));
    ok(loads("preact"), "the walk reaches the packages");
    deepEqual(LOADED_WHEN_USED.filter(loads), []);
  });
}
