// Run by bundler.ts with a config whose JSX is for the browser: reads `Deno.bundle`'s options as
// JSON on stdin and writes what it made as JSON on stdout.
import { outcome } from "./bundle_outcome.ts";

const options: Deno.bundle.Options = JSON.parse(
  await new Response(Deno.stdin.readable).text(),
);
const made = outcome(await Deno.bundle({ ...options, write: false }));
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(made)));
