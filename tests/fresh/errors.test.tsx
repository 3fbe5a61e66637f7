import assert from "node:assert/strict";
import type { ErrorPageProps, FreshContext, PageProps } from "$fresh/server.ts";
import { appWith } from "./helpers.ts";

/** Runs `fn` with console.error captured, so expected stack traces don't clutter the output. */
async function quietly<T>(fn: () => Promise<T>): Promise<[T, unknown[][]]> {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    return [await fn(), logged];
  } finally {
    console.error = original;
  }
}

const errorPage = {
  default: ({ error, url }: ErrorPageProps) => (
    <p>Sorry: {(error as Error).message} at {url.pathname}</p>
  ),
};

Deno.test("anything thrown becomes the _500 page with status 500, and the error is logged", async (t) => {
  const get = await appWith({
    "./routes/_500.tsx": errorPage,
    "./routes/handler.ts": {
      handler: () => {
        throw new Error("handler broke");
      },
    },
    "./routes/page.tsx": {
      default: () => {
        throw new Error("page broke");
      },
    },
    "./routes/async.tsx": {
      handler: {
        GET: async () => {
          await Promise.resolve();
          throw new Error("later");
        },
      },
    },
    "./routes/nothing.ts": { handler: () => undefined as unknown as Response },
    "./routes/mw/_middleware.ts": {
      handler: () => {
        throw new Error("middleware broke");
      },
    },
    "./routes/mw/index.ts": { handler: () => new Response("unreachable") },
  });
  for (
    const [path, message] of [
      ["/handler", "handler broke"],
      ["/page", "page broke"],
      ["/async", "later"],
      ["/mw", "middleware broke"],
      ["/nothing", "A handler for /nothing gave no Response"],
    ]
  ) {
    await t.step(`${path}: ${message}`, async () => {
      const [res, logged] = await quietly(() => get(path));
      assert.equal(res.status, 500);
      assert.match(
        await res.text(),
        new RegExp(`<p>Sorry: ${message} at ${path}</p>`),
      );
      assert.equal((logged[0][0] as Error).message, message);
      assert.match((logged[0][0] as Error).stack!, /at /);
    });
  }
});

Deno.test("when the _500 page itself throws, or there is none, a plain 500 answers", async () => {
  const broken = await appWith({
    "./routes/_500.tsx": {
      default: () => {
        throw new Error("error page broke");
      },
    },
    "./routes/index.ts": {
      handler: () => {
        throw new Error("first");
      },
    },
  });
  const [res, logged] = await quietly(() => broken("/"));
  assert.equal(res.status, 500);
  assert.equal(await res.text(), "Internal Server Error");
  assert.equal(logged.length, 2);

  const bare = await appWith({
    "./routes/index.ts": {
      handler: () => {
        throw new Error("x");
      },
    },
  });
  const [plain] = await quietly(() => bare("/"));
  assert.equal(plain.status, 500);
  assert.equal(await plain.text(), "Internal Server Error");
});

Deno.test("unknown URLs and ctx.renderNotFound() get the _404 page with status 404", async (t) => {
  const get = await appWith({
    "./routes/_404.tsx": {
      default: ({ url, data }: PageProps) => (
        <h1>No {url.pathname} {String(data ?? "")}</h1>
      ),
    },
    "./routes/items/[id].ts": {
      handler: (_req: Request, ctx: FreshContext) =>
        ctx.params.id === "1"
          ? new Response("item 1")
          : ctx.renderNotFound(`item ${ctx.params.id}`),
    },
  });
  await t.step("no route matches", async () => {
    const res = await get("/missing");
    assert.equal(res.status, 404);
    assert.match(await res.text(), /<h1>No \/missing <\/h1>/);
  });
  await t.step("a handler decides", async () => {
    assert.equal(await (await get("/items/1")).text(), "item 1");
    const res = await get("/items/2");
    assert.equal(res.status, 404);
    assert.match(await res.text(), /<h1>No \/items\/2 item 2<\/h1>/);
  });
  await t.step("without a _404 page, a plain one", async () => {
    const bare = await appWith({});
    const res = await bare("/missing");
    assert.equal(res.status, 404);
    assert.equal(await res.text(), "Not Found");
  });
});
