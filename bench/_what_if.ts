// Changes to the app tried in the private copy only, to measure what a fix would buy before anyone
// makes it (`what_if.ts`, `profile.ts --what-if=…`). Each is a literal replacement in one file; one
// that no longer applies fails loudly, since the code has moved on.

export interface Patch {
  file: string;
  from: string;
  to: string;
}

export const WHAT_IF: Record<string, { why: string; patches: Patch[] }> = {
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
  "idle-workers": {
    why:
      "beyond the nice 19 the workers already take, their threads in SCHED_IDLE (through libc by FFI), so any " +
      "other thread that wakes takes the core at once: the best priority alone can do",
    patches: [{
      file: "lib/accounts/_password_worker.ts",
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
      file: "lib/accounts/passwords.ts",
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
