// `deno serve --parallel serve.ts` (`deno task serve`): the built app on one isolate per core, each
// running this file. They share the KV file, so the SMS limits and login throttles hold across them.
/// <reference lib="deno.unstable" />
import { serveFromIsolates } from "@/lib/app/app.ts";
import { appHandler } from "@/lib/http/serve.ts";
import manifest from "./fresh.gen.ts";
import config from "./fresh.config.ts";

// `deno serve --parallel` runs DENO_JOBS isolates, or one per core.
serveFromIsolates(
  Number(Deno.env.get("DENO_JOBS")) || navigator.hardwareConcurrency,
);

// The same guarded handler main.ts serves: a bad Host gets 400, error pages the security headers.
export default { fetch: await appHandler(manifest, config) };
