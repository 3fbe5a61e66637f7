import assert from "node:assert/strict";
import { asset } from "$fresh/runtime.ts";
import { createHandler } from "$fresh/server.ts";
import { appWith, FIXTURE_BASE } from "./helpers.ts";

Deno.test("static files are served with a content type, an ETag and a cache policy", async (t) => {
  const get = await appWith({
    "./routes/[...all].ts": { handler: () => new Response("route") },
  });

  await t.step("content type follows the extension", async () => {
    for (
      const [path, type] of [
        ["/hello.txt", "text/plain; charset=utf-8"],
        ["/styles/site.css", "text/css; charset=utf-8"],
        ["/logo.svg", "image/svg+xml"],
        ["/data.json", "application/json; charset=utf-8"],
        ["/blob.bin", "application/octet-stream"],
      ]
    ) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), type, path);
      await res.body?.cancel();
    }
  });
  await t.step("files win over routes, but only for GET and HEAD", async () => {
    assert.equal(await (await get("/hello.txt")).text(), "hello from static\n");
    assert.equal(
      await (await get("/hello.txt", { method: "POST" })).text(),
      "route",
    );
    const head = await get("/hello.txt", { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), "18");
    assert.equal(await head.text(), "");
  });
  await t.step("a matching If-None-Match gets 304 and no body", async () => {
    const first = await get("/styles/site.css");
    const etag = first.headers.get("etag")!;
    await first.body?.cancel();
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const again = await get("/styles/site.css", {
      headers: { "if-none-match": etag },
    });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(await again.text(), "");
    const changed = await get("/styles/site.css", {
      headers: { "if-none-match": '"other"' },
    });
    assert.equal(changed.status, 200);
    await changed.body?.cancel();
  });
  await t.step(
    "asset() URLs are immutable; plain and stale ones must revalidate",
    async () => {
      for (
        const untouched of [
          "logo.svg",
          "https://cdn.example/x.png",
          "//cdn.example/x.png",
          "data:,",
        ]
      ) {
        assert.equal(asset(untouched), untouched);
      }
      assert.match(asset("/a.png?v=1#top"), /^\/a\.png\?v=1&__frsh_c=\w+#top$/);
      const url = asset("/logo.svg");
      assert.match(url, /^\/logo\.svg\?__frsh_c=\w+$/);
      const busted = await get(url);
      assert.equal(
        busted.headers.get("cache-control"),
        "public, max-age=31536000, immutable",
      );
      await busted.body?.cancel();
      for (const path of ["/logo.svg", "/logo.svg?__frsh_c=old"]) {
        const res = await get(path);
        assert.equal(res.headers.get("cache-control"), "no-cache");
        await res.body?.cancel();
      }
    },
  );
});

const ESCAPES = [
  "/../secret.txt",
  "/%2e%2e/secret.txt",
  "/..%2fsecret.txt",
  "/%2e%2e%2fsecret.txt",
  "/styles/..%2f..%2fsecret.txt",
  "/..%2f..%2f..%2f..%2fdeno.json",
  "/..%5csecret.txt",
  "/%5c..%5csecret.txt",
  "/hello.txt%00",
  "/hello.txt%00.png",
  "/%zz",
];

Deno.test("repeated slashes in a file's path count as one, as in Fresh 1.x", async () => {
  const get = await appWith({});
  const res = await get("/styles//site.css");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/css/);
  await res.body?.cancel();
});

Deno.test("paths that try to leave static/ get 404 and read nothing outside it", async (t) => {
  const get = await appWith({});
  await t.step("through the handler", async () => {
    for (const path of ESCAPES) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.equal(await res.text(), "Not Found", path);
    }
  });
  await t.step(
    "through a real server, with the raw path on the wire",
    async () => {
      const handler = await createHandler({
        routes: {},
        islands: {},
        baseUrl: FIXTURE_BASE,
      });
      const server = Deno.serve({
        port: 0,
        hostname: "127.0.0.1",
        onListen() {},
      }, handler);
      try {
        const raw = async (path: string) => {
          const conn = await Deno.connect({
            port: server.addr.port,
            hostname: "127.0.0.1",
          });
          const request =
            `GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`;
          await conn.write(new TextEncoder().encode(request));
          return new TextDecoder().decode(
            await new Response(conn.readable).arrayBuffer(),
          );
        };
        assert.match(
          await raw("/hello.txt"),
          /^HTTP\/1\.1 200[^]*hello from static/,
        );
        for (const path of ESCAPES) {
          const reply = await raw(path);
          assert.doesNotMatch(reply, /not for the web|"imports"/, path);
          assert.match(reply, /^HTTP\/1\.1 (404|400)/, path);
        }
      } finally {
        await server.shutdown();
      }
    },
  );
  await t.step(
    "a symlink pointing out of static/ is not followed",
    async () => {
      const dir = await Deno.makeTempDir();
      await Deno.mkdir(`${dir}/static`);
      await Deno.writeTextFile(`${dir}/outside.txt`, "outside");
      await Deno.symlink(`${dir}/outside.txt`, `${dir}/static/link.txt`);
      const linked = await appWith({}, {
        config: { staticDir: `${dir}/static` },
      });
      const res = await linked("/link.txt");
      assert.equal(res.status, 404);
      await res.body?.cancel();
      await Deno.remove(dir, { recursive: true });
    },
  );
});
