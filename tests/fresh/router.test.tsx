import assert from "node:assert/strict";
import type {
  AppProps,
  FreshContext,
  Handlers,
  LayoutProps,
  PageProps,
} from "$fresh/server.ts";
import { Head, IS_BROWSER } from "$fresh/runtime.ts";
import { appWith } from "./helpers.ts";

Deno.test("file names become URL patterns, static before dynamic before rest", async (t) => {
  const page = (name: string) => ({
    default: ({ params }: PageProps) => <p>{name} {JSON.stringify(params)}</p>,
  });
  const get = await appWith({
    "./routes/index.tsx": page("home"),
    "./routes/about.tsx": page("about"),
    "./routes/blog/index.tsx": page("blog index"),
    "./routes/blog/[slug].tsx": page("post"),
    "./routes/blog/new.tsx": page("new post"),
    "./routes/docs/[...path].tsx": page("docs"),
    "./routes/docs/intro.tsx": page("intro"),
    "./routes/(marketing)/pricing.tsx": page("pricing"),
    "./routes/[...catchall].tsx": page("catchall"),
    "./routes/legacy.tsx": {
      ...page("legacy"),
      config: { routeOverride: "/old/:year(\\d+)" },
    },
    "./routes/users/[id]/posts/[post].tsx": page("user post"),
  });
  const text = async (path: string) => {
    const html = await (await get(path)).text();
    return html.match(/<p>(.*?)<\/p>/)?.[1].replaceAll("&quot;", '"');
  };

  await t.step("index files are their folder", async () => {
    assert.equal(await text("/"), "home {}");
    assert.equal(await text("/blog"), "blog index {}");
  });
  await t.step(
    "a static segment beats a [param] in the same folder",
    async () => {
      assert.equal(await text("/blog/new"), "new post {}");
      assert.equal(await text("/blog/hello"), 'post {"slug":"hello"}');
    },
  );
  await t.step(
    "a [param] is as the URL spells it, percent-encoding and all (Fresh 1.x does not decode it)",
    async () => {
      assert.equal(
        await text("/blog/hello%20world"),
        'post {"slug":"hello%20world"}',
      );
      assert.equal(await text("/blog/%E4%BD"), 'post {"slug":"%E4%BD"}');
    },
  );
  await t.step(
    "[...rest] takes what is left, static files beat it",
    async () => {
      assert.equal(await text("/docs/intro"), "intro {}");
      assert.equal(await text("/docs/a/b/c"), 'docs {"path":"a/b/c"}');
      assert.equal(await text("/docs"), 'docs {"path":""}');
    },
  );
  await t.step("repeated slashes count as one", async () => {
    assert.equal(await text("//blog///new"), "new post {}");
  });
  await t.step("(group) folders add no URL segment", async () => {
    assert.equal(await text("/pricing"), "pricing {}");
  });
  await t.step(
    "a trailing slash redirects to the path without it, never off-site",
    async () => {
      for (
        const [path, location] of [
          ["/about/?x=1", "/about?x=1"],
          ["/blog/new//", "/blog/new"],
          ["//evil.example/", "/evil.example"],
        ]
      ) {
        const res = await get(path);
        assert.equal(res.status, 307, path);
        assert.equal(res.headers.get("location"), location, path);
      }
    },
  );
  await t.step("config.routeOverride replaces the file's pattern", async () => {
    assert.equal(await text("/old/2019"), 'legacy {"year":"2019"}');
    assert.equal(await text("/legacy"), 'catchall {"catchall":"legacy"}');
  });
  await t.step(
    "several params, and a root catch-all for the rest",
    async () => {
      assert.equal(
        await text("/users/7/posts/9"),
        'user post {"id":"7","post":"9"}',
      );
      assert.equal(
        await text("/nothing/here"),
        'catchall {"catchall":"nothing/here"}',
      );
    },
  );
});

Deno.test("pages are HTML documents wrapped by _app and layouts, outermost first", async (t) => {
  const get = await appWith({
    "./routes/_app.tsx": {
      default: ({ Component }: AppProps) => (
        <html>
          <head>
            <title>App</title>
          </head>
          <body class="app">
            <Component />
          </body>
        </html>
      ),
    },
    "./routes/_layout.tsx": {
      default: ({ Component }: LayoutProps) => (
        <main>
          <Component />
        </main>
      ),
    },
    "./routes/admin/_layout.tsx": {
      default: (
        { Component, state }: LayoutProps<unknown, { role: string }>,
      ) => (
        <section data-role={state.role}>
          <Component />
        </section>
      ),
    },
    "./routes/admin/_middleware.ts": {
      handler: (_req: Request, ctx: FreshContext<{ role: string }>) => {
        ctx.state.role = "admin";
        return ctx.next();
      },
    },
    "./routes/admin/index.tsx": { default: () => <p>dashboard</p> },
  });

  await t.step(
    "a page gets a doctype, content type, _app and every layout above it",
    async () => {
      const res = await get("/admin");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(
        await res.text(),
        '<!DOCTYPE html><html><head><title>App</title></head><body class="app">' +
          '<main><section data-role="admin"><p>dashboard</p></section></main></body></html>',
      );
    },
  );
});

Deno.test("handlers: per-method objects, HEAD from GET, 405 with Allow, ctx.render with data", async (t) => {
  const handler: Handlers<{ name: string }> = {
    GET: (_req, ctx) =>
      ctx.render({ name: ctx.url.searchParams.get("name") ?? "?" }, {
        headers: { "x-page": "1" },
      }),
    POST: async (req) =>
      new Response(`posted ${await req.text()}`, { status: 201 }),
  };
  const get = await appWith({
    "./routes/greet.tsx": {
      handler,
      default: ({ data }: PageProps<{ name: string }>) => (
        <h1>Hi {data.name}</h1>
      ),
    },
    "./routes/api/any.ts": {
      handler: (req: Request) => Response.json({ method: req.method }),
    },
    "./routes/created.tsx": {
      handler: {
        GET: (_req, ctx) => ctx.render(undefined, { status: 201 }),
      } as Handlers,
      default: () => <p>made</p>,
    },
  });

  await t.step(
    "GET renders the page with the handler's data and headers",
    async () => {
      const res = await get("/greet?name=Ada");
      assert.equal(res.headers.get("x-page"), "1");
      assert.match(await res.text(), /<h1>Hi Ada<\/h1>/);
    },
  );
  await t.step("POST goes to its own handler", async () => {
    const res = await get("/greet", { method: "POST", body: "form" });
    assert.equal(res.status, 201);
    assert.equal(await res.text(), "posted form");
  });
  await t.step("HEAD is served by GET, without a body", async () => {
    const res = await get("/greet?name=Ada", { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-page"), "1");
    assert.equal(await res.text(), "");
  });
  await t.step(
    "a method with no handler is 405 and Allow lists the others",
    async () => {
      const res = await get("/greet", { method: "DELETE" });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get("allow"), "GET, POST, HEAD");
      await res.body?.cancel();
    },
  );
  await t.step(
    "a method named after an object's own property is 405 all the same",
    async () => {
      for (
        const method of [
          "constructor",
          "toString",
          "valueOf",
          "hasOwnProperty",
          "__proto__",
          "__defineGetter__",
          "isPrototypeOf",
        ]
      ) {
        const res = await get("/greet", { method });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get("allow"), "GET, POST, HEAD", method);
        await res.body?.cancel();
      }
    },
  );
  await t.step("a handler function answers every method", async () => {
    assert.deepEqual(await (await get("/api/any", { method: "PUT" })).json(), {
      method: "PUT",
    });
  });
  await t.step("render options set the status", async () => {
    const res = await get("/created");
    assert.equal(res.status, 201);
    await res.body?.cancel();
  });
});

Deno.test("<Head> children land in the document head; the page's title replaces _app's", async () => {
  assert.equal(IS_BROWSER, false);
  const get = await appWith({
    "./routes/_app.tsx": {
      default: ({ Component }: AppProps) => (
        <html>
          <head>
            <meta charset="utf-8" />
            <title>Shop</title>
          </head>
          <body>
            <Component />
          </body>
        </html>
      ),
    },
    "./routes/_layout.tsx": {
      default: ({ Component }: LayoutProps) => (
        <>
          <Head>
            <meta name="layout" content="yes" />
          </Head>
          <Component />
        </>
      ),
    },
    "./routes/cart.tsx": {
      default: () => (
        <div>
          <Head>
            <title>Cart · Shop</title>
            <link rel="canonical" href="/cart" />
          </Head>
          cart
        </div>
      ),
    },
  });
  // Void elements may close with ">" or "/>": precompiled JSX writes the one, Preact the other.
  assert.equal(
    (await (await get("/cart")).text()).replaceAll("/>", ">"),
    '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="layout" content="yes">' +
      '<title>Cart · Shop</title><link rel="canonical" href="/cart"></head><body><div>cart</div></body></html>',
  );
});
