/// <reference lib="deno.unstable" />
import { serveApp } from "@/lib/http/serve.ts";
import manifest from "./fresh.gen.ts";
import config from "./fresh.config.ts";

await serveApp(manifest, config);
