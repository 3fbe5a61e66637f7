// A peer for page throughput: the app's routes and islands on lib/fresh without the app's middleware
// (no security headers, session lookup or client address), started as main.ts starts the app. The
// bench copies it into the app's private copy and runs it there.
import { start } from "$fresh/server.ts";
import manifest from "@/fresh.gen.ts";
import config from "@/fresh.config.ts";

const routes = Object.fromEntries(
  Object.entries(manifest.routes).filter(([file]) =>
    !file.endsWith("/_middleware.ts")
  ),
);
await start({ ...manifest, routes }, config);
