// A peer for page throughput: the app's routes and islands on lib/fresh without the app's middleware
// (no security headers, CSRF and body checks, session lookup or client address). One stand-in only
// puts the app's services on ctx.state, which pages read. The bench copies this file into the app's
// private copy and runs it there, as main.ts starts the app.
import { start } from "$fresh/server.ts";
import type { FreshContext, RouteModule } from "$fresh/server.ts";
import { currentApp } from "@/lib/app/app.ts";
import manifest from "@/fresh.gen.ts";
import config from "@/fresh.config.ts";

const routes: Record<string, RouteModule> = Object.fromEntries(
  Object.entries(manifest.routes).filter(([file]) =>
    !file.endsWith("/_middleware.ts")
  ),
);
routes["./routes/_middleware.ts"] = {
  handler: async (_req: Request, ctx: FreshContext) => {
    Object.assign(ctx.state, {
      app: await currentApp(),
      clientAddress: "127.0.0.1",
      session: null,
      user: null,
    });
    return ctx.next();
  },
};
await start({ ...manifest, routes }, config);
