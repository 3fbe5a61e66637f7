// The layout the README's docs/architecture.md describes, held against the code's own imports: layers
// that point one way (no cycle, type-only imports included), `_` meaning private to its folder, and
// lib/'s root holding no concern without a home.
import { deepEqual, ok } from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const PRODUCTION = ["lib", "routes", "islands", "components", "scripts"];
const ROOT_FILES = ["main.ts", "dev.ts", "serve.ts", "fresh.config.ts"];

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [...ROOT_FILES];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${ROOT}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of PRODUCTION) await walk(dir);
  return files.sort();
}

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["']([^"']+)["']/g;

/** The repository files `file` imports (statically, dynamically or for types), as paths from the root. */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    let path: string;
    if (specifier.startsWith("@/")) path = specifier.slice(2);
    else if (specifier.startsWith("$fresh/")) {
      path = "lib/fresh/" + specifier.slice("$fresh/".length);
    } else if (specifier.startsWith(".")) {
      path = new URL(specifier, `file:///${file}`).pathname.slice(1);
    } else continue;
    if (/\.tsx?$/.test(path)) found.push(path);
  }
  return found;
}

async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await sourceFiles()) {
    const text = await Deno.readTextFile(`${ROOT}/${file}`);
    graph.set(file, importsOf(file, text));
  }
  return graph;
}

/** Every cycle's files, one list a strongly connected component of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indexes.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return found;
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

Deno.test("no production file imports itself back, type-only imports included", async () => {
  const graph = await importGraph();
  ok(graph.size > 100, `only ${graph.size} files read`);
  deepEqual(cycles(graph), []);
});

Deno.test("a _ module is imported only from its own folder", async () => {
  const graph = await importGraph();
  const strays: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      const name = target.slice(target.lastIndexOf("/") + 1);
      if (!name.startsWith("_") || target.startsWith("routes/")) continue;
      const own = folderOf(target);
      if (folderOf(file) !== own && !folderOf(file).startsWith(own + "/")) {
        strays.push(`${file} → ${target}`);
      }
    }
  }
  deepEqual(strays, []);
});

Deno.test("lib/ keeps at most three loose files, and every provider inside lib/social", async () => {
  const loose: string[] = [];
  const folders: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}/lib`)) {
    (entry.isFile ? loose : folders).push(entry.name);
  }
  ok(loose.length <= 3, `loose files in lib/: ${loose.sort().join(", ")}`);
  for (const provider of ["qq", "wechat", "weibo"]) {
    ok(!folders.includes(provider), `lib/${provider} is outside lib/social`);
    await Deno.stat(`${ROOT}/lib/social/providers/${provider}/provider.ts`);
  }
});

Deno.test("the import reader finds every kind of import", () => {
  const text = [
    `import { a } from "./a.ts";`,
    `import type { B } from "@/lib/b.ts";`,
    `export { c } from "../c.ts";`,
    `import "$fresh/runtime.ts";`,
    `await import("./d.ts");`,
    `new Worker(new URL("./_e.ts", import.meta.url));`,
    `import * as z from "zod/mini";`,
  ].join("\n");
  deepEqual(importsOf("lib/x/y.ts", text), [
    "lib/x/a.ts",
    "lib/b.ts",
    "lib/c.ts",
    "lib/fresh/runtime.ts",
    "lib/x/d.ts",
    "lib/x/_e.ts",
  ]);
});

/** The repository files `file` imports for their values: `import type` and all-`type` lists leave nothing at run time. */
function valueImportsOf(file: string, text: string): string[] {
  const typeOnly =
    /\bimport\s+type\s[^;]*?from\s*["'][^"']+["']|\bimport\s*\{(?:\s*type\s+\w+\s*,?)+\s*\}\s*from\s*["'][^"']+["']/g;
  return importsOf(file, text.replace(typeOnly, ""));
}

/**
 * Lib files an island may ship: rules and words for the forms, what the SMS button counts down, and
 * the captcha service's widget as the page describes it (public ids and script hosts only).
 */
const BROWSER_SAFE_LIB = [
  "lib/captcha/widget.ts",
  "lib/forms/rules.ts",
  "lib/forms/words.ts",
  "lib/sms/resend_gap.ts",
];

Deno.test("islands ship nothing of the server: of lib/, only the forms' rules and words, the SMS gap and the captcha widget", async () => {
  const reached = new Set<string>();
  const visit = async (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    const text = await Deno.readTextFile(`${ROOT}/${file}`);
    for (const next of valueImportsOf(file, text)) await visit(next);
  };
  for await (const entry of Deno.readDir(`${ROOT}/islands`)) {
    await visit(`islands/${entry.name}`);
  }
  ok(reached.has("lib/forms/rules.ts"), [...reached].join(", "));
  const server = [...reached].filter((file) =>
    file.startsWith("lib/") && !BROWSER_SAFE_LIB.includes(file)
  );
  deepEqual(server, []);
});

Deno.test("the value-import reader leaves type-only imports out", () => {
  const text = [
    `import { a, type A } from "./a.ts";`,
    `import type { B } from "@/lib/b.ts";`,
    `import { type C, type D } from "./c.ts";`,
  ].join("\n");
  deepEqual(valueImportsOf("lib/x/y.ts", text), ["lib/x/a.ts"]);
});
