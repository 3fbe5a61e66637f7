// Changes to the app tried in the private copy only, to measure what a fix would buy before anyone
// makes it (`what_if.ts`, `profile.ts --what-if=…`). Each is a literal replacement in one file; one
// that no longer applies fails loudly, since the code has moved on.

export interface Patch {
  file: string;
  from: string;
  to: string;
}

export const WHAT_IF: Record<string, { why: string; patches: Patch[] }> = {
  "static-index": {
    why:
      "lib/fresh/handler.ts asks the file system (realPath, which throws NotFound) for every page URL; " +
      "here only paths with a file extension are looked up, as an in-memory index of static/ would",
    patches: [{
      file: "lib/fresh/handler.ts",
      from: `const file = (req.method === "GET" || req.method === "HEAD") &&`,
      to:
        `const file = (req.method === "GET" || req.method === "HEAD") && /\\.[^/]*$/.test(pathname) &&`,
    }],
  },
  "preloads-once": {
    why:
      "lib/fresh/island_assets.ts tags() decodes and regex-scans the bundle's chunks on every render; " +
      "here the preload list is kept per set of islands",
    patches: [{
      file: "lib/fresh/island_assets.ts",
      from:
        `    const preloads = [...staticImports(bundle, roots)].map((path) =>`,
      to: `    const key = roots.join(",");
    if (!PRELOADS.has(key)) PRELOADS.set(key, [...staticImports(bundle, roots)]);
    const preloads = PRELOADS.get(key)!.map((path) =>`,
    }, {
      file: "lib/fresh/island_assets.ts",
      from: `export const BUNDLE_PREFIX = "/_frsh/js/";`,
      to: `export const BUNDLE_PREFIX = "/_frsh/js/";
const PRELOADS = new Map<string, string[]>();`,
    }],
  },
  "exact-routes": {
    why:
      "lib/fresh/routes.ts matchRoute() runs URLPattern.exec route after route; " +
      "here routes without parameters are found in a Map first",
    patches: [{
      file: "lib/fresh/routes.ts",
      from: `  for (const route of routes) {
    const match = route.matcher.exec({ pathname });`,
      to: `  let exact = EXACT.get(routes);
  if (!exact) {
    exact = new Map();
    for (const r of routes) {
      if (!/[:*]/.test(r.pattern) && !exact.has(r.pattern)) exact.set(r.pattern, r);
    }
    EXACT.set(routes, exact);
  }
  const hit = exact.get(pathname);
  if (hit) return { route: hit, params: {} };
  for (const route of routes) {
    const match = route.matcher.exec({ pathname });`,
    }, {
      file: "lib/fresh/routes.ts",
      from: `/** The route matching \`pathname\`, with its decoded params. */`,
      to: `const EXACT = new WeakMap<Route[], Map<string, Route>>();
/** The route matching \`pathname\`, with its decoded params. */`,
    }],
  },
  "nice-workers": {
    why:
      "the bcrypt workers (lib/_password_worker.ts) run at the main thread's priority and take the " +
      "cores from it; here each worker lowers its own thread to nice 10 (node:os setPriority(0, …) " +
      "is per thread on Linux)",
    patches: [{
      file: "lib/_password_worker.ts",
      from: `import { bcrypt, bcryptVerify } from "hash-wasm";`,
      to: `import { bcrypt, bcryptVerify } from "hash-wasm";
import { setPriority } from "node:os";`,
    }, {
      file: "lib/_password_worker.ts",
      from: `  scope instanceof scope.WorkerGlobalScope
) {`,
      to: `  scope instanceof scope.WorkerGlobalScope
) {
  try {
    setPriority(0, 10);
  } catch {
    // Not Linux, or not allowed: hash at normal priority.
  }`,
    }],
  },
  "no-zod-in-islands": {
    why:
      "the form islands import lib/validation.ts, whose regex rules are zod/mini schemas, so zod " +
      "ships to the browser; here a few lines stand in for the zod calls that file makes",
    patches: [{
      file: "lib/validation.ts",
      from: `import * as z from "zod/mini";`,
      // Types are erased when the copy runs and bundles, so only the values need standing in for.
      to: `const z = {
  string: () => ({
    check: (rule: { pattern: RegExp; message: string }) => ({
      safeParse: (value: string) =>
        rule.pattern.test(value)
          ? { success: true, data: value }
          : { success: false, error: { issues: [{ message: rule.message }] } },
    }),
  }),
  regex: (pattern: RegExp, message: string) => ({ pattern, message }),
};`,
    }],
  },
  "nice19-workers": {
    why:
      "as nice-workers, at nice 19, the weakest a thread can be short of SCHED_IDLE",
    patches: [{
      file: "lib/_password_worker.ts",
      from: `import { bcrypt, bcryptVerify } from "hash-wasm";`,
      to: `import { bcrypt, bcryptVerify } from "hash-wasm";
import { setPriority } from "node:os";`,
    }, {
      file: "lib/_password_worker.ts",
      from: `  scope instanceof scope.WorkerGlobalScope
) {`,
      to: `  scope instanceof scope.WorkerGlobalScope
) {
  setPriority(0, 19);`,
    }],
  },
  "idle-workers": {
    why:
      "as nice-workers, with the workers' threads in SCHED_IDLE (through libc by FFI), so any " +
      "other thread that wakes takes the core at once: the best priority alone can do",
    patches: [{
      file: "lib/_password_worker.ts",
      from: `  scope instanceof scope.WorkerGlobalScope
) {`,
      to: `  scope instanceof scope.WorkerGlobalScope
) {
  const libc = Deno.dlopen("libc.so.6", {
    sched_setscheduler: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  });
  // SCHED_IDLE = 5; pid 0 is the calling thread
  if (libc.symbols.sched_setscheduler(0, 5, new Int32Array(1)) !== 0) {
    throw new Error("sched_setscheduler failed");
  }`,
    }],
  },
  "pool-of-one": {
    why:
      "one bcrypt worker on 2 cores, leaving a core to the main thread (not a fix: halves binds/s)",
    patches: [{
      file: "lib/passwords.ts",
      from: `  size = navigator.hardwareConcurrency || 1,`,
      to: `  size = 1,`,
    }],
  },
};

/** The patches of the named what-ifs; an unknown name is an error. */
export function patchesOf(names: string[]): Patch[] {
  return names.flatMap((name) => {
    const whatIf = WHAT_IF[name];
    if (!whatIf) {
      throw new Error(
        `No what-if ${name}; there are ${Object.keys(WHAT_IF).join(", ")}`,
      );
    }
    return whatIf.patches;
  });
}

export async function applyPatches(appDir: string, patches: Patch[]) {
  for (const { file, from, to } of patches) {
    const path = `${appDir}/${file}`;
    const text = await Deno.readTextFile(path);
    if (!text.includes(from)) {
      throw new Error(
        `A what-if no longer applies to ${file}: the code has changed`,
      );
    }
    await Deno.writeTextFile(path, text.replace(from, to));
  }
}
