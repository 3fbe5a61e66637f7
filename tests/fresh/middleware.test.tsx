import assert from "node:assert/strict";
import type { FreshContext, PageProps } from "$fresh/server.ts";
import { appWith } from "./helpers.ts";

type Trace = { trace: string[] };

/** A middleware that notes its name on the way in and out, and tags the response. */
function tracing(name: string) {
  return async (_req: Request, ctx: FreshContext<Trace>) => {
    ctx.state.trace = [
      ...(ctx.state.trace ?? []),
      `${name}:${ctx.destination}`,
    ];
    const res = await ctx.next();
    res.headers.append("x-trace", name);
    return res;
  };
}

Deno.test("middleware runs outer folder first and wraps whatever answers", async (t) => {
  const get = await appWith({
    "./routes/_middleware.ts": { handler: tracing("root") },
    "./routes/shop/_middleware.ts": {
      handler: [tracing("shop-a"), tracing("shop-b")],
    },
    "./routes/(admin)/_middleware.ts": { handler: tracing("admin") },
    "./routes/(admin)/panel.tsx": {
      default: ({ state }: PageProps<unknown, Trace>) => (
        <p>{state.trace.join(" ")}</p>
      ),
    },
    "./routes/shop/[item].tsx": {
      handler: (_req: Request, ctx: FreshContext<Trace>) =>
        Response.json({
          route: ctx.route,
          trace: ctx.state.trace,
          params: ctx.params,
        }),
    },
    "./routes/gate/_middleware.ts": {
      handler: (req: Request, ctx: FreshContext) =>
        req.headers.has("x-pass")
          ? ctx.next()
          : new Response("stopped", { status: 403 }),
    },
    "./routes/gate/index.ts": { handler: () => new Response("inside") },
  });

  await t.step(
    "state set by middleware reaches the handler, in folder order",
    async () => {
      const res = await get("/shop/lamp");
      assert.deepEqual(await res.json(), {
        route: "/shop/:item",
        trace: ["root:route", "shop-a:route", "shop-b:route"],
        params: { item: "lamp" },
      });
      assert.equal(res.headers.get("x-trace"), "shop-b, shop-a, root");
    },
  );
  await t.step(
    "a (group) folder's middleware wraps its routes and reaches page props",
    async () => {
      const html = await (await get("/panel")).text();
      assert.match(html, /<p>root:route admin:route<\/p>/);
    },
  );
  await t.step(
    "404s, static files and island bundles are wrapped too",
    async () => {
      const missing = await get("/shop/lamp/extra");
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get("x-trace"), "shop-b, shop-a, root");
      await missing.body?.cancel();
      const file = await get("/hello.txt");
      assert.equal(await file.text(), "hello from static\n");
      assert.equal(file.headers.get("x-trace"), "root");
      const bundle = await get("/_frsh/js/not-this-build/boot.js");
      assert.equal(bundle.status, 404);
      assert.equal(bundle.headers.get("x-trace"), "root");
      await bundle.body?.cancel();
    },
  );
  await t.step(
    "a trailing-slash redirect comes before any middleware, as in Fresh 1.x",
    async () => {
      const res = await get("/shop/lamp/");
      assert.equal(res.status, 307);
      assert.equal(res.headers.get("location"), "/shop/lamp");
      assert.equal(res.headers.get("x-trace"), null);
    },
  );
  await t.step("middleware can answer without calling ctx.next()", async () => {
    const stopped = await get("/gate");
    assert.equal(stopped.status, 403);
    assert.equal(await stopped.text(), "stopped");
    const passed = await get("/gate", { headers: { "x-pass": "1" } });
    assert.equal(await passed.text(), "inside");
  });
});

Deno.test("the context tells where the request goes and who sent it", async () => {
  const seen: Record<string, unknown>[] = [];
  const get = await appWith({
    "./routes/_middleware.ts": {
      handler: (_req: Request, ctx: FreshContext) => {
        seen.push({
          destination: ctx.destination,
          route: ctx.route,
          addr: ctx.remoteAddr.hostname,
        });
        return ctx.next();
      },
    },
    "./routes/index.tsx": { default: () => <p>home</p> },
  });
  for (const path of ["/", "/hello.txt", "/nope", "/_frsh/js/x/y.js"]) {
    await (await get(path)).body?.cancel();
  }
  assert.deepEqual(seen, [
    { destination: "route", route: "/", addr: "127.0.0.1" },
    { destination: "static", route: "", addr: "127.0.0.1" },
    { destination: "notFound", route: "", addr: "127.0.0.1" },
    { destination: "internal", route: "", addr: "127.0.0.1" },
  ]);
});
