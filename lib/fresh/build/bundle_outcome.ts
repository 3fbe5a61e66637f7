// What the bundler made, in a shape that survives JSON: the child process (bundle_child.ts) writes it
// and bundler.ts reads it.

export interface BundledFile {
  path: string;
  text: string;
}

export interface BundleOutcome {
  success: boolean;
  errors: string[];
  outputFiles: BundledFile[];
}

/** What a `Deno.bundle` result says, in a shape that survives JSON. */
export function outcome(result: Deno.bundle.Result): BundleOutcome {
  return {
    success: result.success,
    errors: result.errors.map((message) => message.text),
    outputFiles: (result.outputFiles ?? []).map((file) => ({
      path: file.path,
      text: file.text(),
    })),
  };
}
