// One isolate of `deno task serve` (see lib/app/isolates.ts): the handler `deno serve serve.ts` runs,
// on a listening socket of its own.
/// <reference lib="deno.worker" />
import { checkedConfig, currentApp } from "@/lib/app/app.ts";
import { nameWorkerOutput, serveInIsolate } from "@/lib/app/isolates.ts";

nameWorkerOutput(self.name);
// Loaded once its lines carry the isolate's name.
const { default: app } = await import("../serve.ts");
const { hostname, port } = checkedConfig(Deno.env.toObject());
// Its services (the KV above all) are ready before it takes a connection.
await currentApp();
serveInIsolate(app.fetch, { hostname, port });
