import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { pageCompressionReady } from "$fresh/server/compression.ts";
import { h } from "preact";
import { preferredCoding } from "$fresh/server/compression.ts";
import { contentHash } from "$fresh/server/static.ts";
import * as $Counter from "./fixture/islands/Counter.tsx";
import Counter from "./fixture/islands/Counter.tsx";
import { appWith } from "./helpers.ts";

const BOTH = ["br", "gzip"] as const;

Deno.test("Accept-Encoding picks the coding the browser prefers, by q-value", () => {
  const cases: [
    string | null,
    readonly ("br" | "gzip")[],
    string | undefined,
  ][] = [
    [null, BOTH, undefined],
    ["", BOTH, undefined],
    ["gzip, deflate, br, zstd", BOTH, "br"],
    ["gzip", BOTH, "gzip"],
    ["br", ["gzip"], undefined],
    ["gzip;q=1.0, br;q=0.5", BOTH, "gzip"],
    ["br;q=0.2, gzip;q=0.2", BOTH, "br"],
    ["GZIP;Q=0.8", BOTH, "gzip"],
    ["x-gzip", BOTH, "gzip"],
    ["*", BOTH, "br"],
    ["*;q=0.5, br;q=0", BOTH, "gzip"],
    ["br;q=0, gzip;q=0", BOTH, undefined],
    ["identity", BOTH, undefined],
    ["identity;q=1, gzip;q=0.5", BOTH, undefined],
    ["identity;q=0.4, gzip;q=0.5", BOTH, "gzip"],
    ["gzip;q=2", BOTH, undefined],
    ["gzip;q=abc, br", BOTH, "br"],
    [" , ;q=1, gzip ; q = 0.9 ", BOTH, "gzip"],
  ];
  for (const [header, available, expected] of cases) {
    assert.equal(preferredCoding(header, available), expected, String(header));
  }
});

Deno.test("static text files go brotli'd or gzipped as asked, each with its own ETag", async (t) => {
  const dir = await Deno.makeTempDir();
  const css = "body { color: #333; margin: 0 auto; }\n".repeat(200);
  await Deno.mkdir(`${dir}/static`);
  await Deno.writeTextFile(`${dir}/static/site.css`, css);
  const png = crypto.getRandomValues(new Uint8Array(4096));
  await Deno.writeFile(`${dir}/static/photo.png`, png);
  const get = await appWith({}, {
    config: { staticDir: `${dir}/static`, build: { outDir: `${dir}/_fresh` } },
  });
  const identityTag = `"${await contentHash(
    new TextEncoder().encode(css),
    16,
  )}"`;
  const fetchCss = (acceptEncoding?: string, ifNoneMatch?: string) =>
    get("/site.css", {
      headers: {
        ...acceptEncoding ? { "accept-encoding": acceptEncoding } : {},
        ...ifNoneMatch ? { "if-none-match": ifNoneMatch } : {},
      },
    });

  await t.step("brotli when the browser takes it", async () => {
    const res = await fetchCss("gzip, deflate, br");
    assert.equal(res.headers.get("content-encoding"), "br");
    assert.equal(res.headers.get("vary"), "Accept-Encoding");
    assert.equal(res.headers.get("etag"), identityTag.replace(/"$/, '-br"'));
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.headers.get("content-length"), String(body.length));
    assert.ok(body.length < css.length / 10);
    assert.equal(new TextDecoder().decode(brotliDecompressSync(body)), css);
  });
  await t.step("gzip when that is all it takes", async () => {
    const res = await fetchCss("gzip");
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.equal(res.headers.get("etag"), identityTag.replace(/"$/, '-gz"'));
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(new TextDecoder().decode(gunzipSync(body)), css);
  });
  await t.step(
    "as it is, still saying it varies, when it takes neither",
    async () => {
      const res = await fetchCss();
      assert.equal(res.headers.get("content-encoding"), null);
      assert.equal(res.headers.get("vary"), "Accept-Encoding");
      assert.equal(res.headers.get("etag"), identityTag);
      assert.equal(await res.text(), css);
    },
  );
  await t.step(
    "304 only for the ETag of the representation it would get",
    async () => {
      const brTag = identityTag.replace(/"$/, '-br"');
      const same = await fetchCss("br", brTag);
      assert.equal(same.status, 304);
      assert.equal(same.headers.get("etag"), brTag);
      assert.equal(same.headers.get("vary"), "Accept-Encoding");
      const other = await fetchCss("gzip", brTag);
      assert.equal(other.status, 200);
      assert.equal(other.headers.get("content-encoding"), "gzip");
      await other.body?.cancel();
    },
  );
  await t.step("images are sent as they are, with no Vary", async () => {
    const res = await get("/photo.png", {
      headers: { "accept-encoding": "br, gzip" },
    });
    assert.equal(res.headers.get("content-encoding"), null);
    assert.equal(res.headers.get("vary"), null);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), png);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a variant the build left in _fresh/compressed is served as it is, not made again", async () => {
  const dir = await Deno.makeTempDir();
  const css = "p { padding: 1em; }\n".repeat(100);
  await Deno.mkdir(`${dir}/static`);
  await Deno.mkdir(`${dir}/_fresh/compressed`, { recursive: true });
  await Deno.writeTextFile(`${dir}/static/site.css`, css);
  const hash = await contentHash(new TextEncoder().encode(css), 16);
  const built = new TextEncoder().encode("the build's brotli bytes");
  await Deno.writeFile(`${dir}/_fresh/compressed/${hash}.br`, built);
  const get = await appWith({}, {
    config: { staticDir: `${dir}/static`, build: { outDir: `${dir}/_fresh` } },
  });
  const res = await get("/site.css", { headers: { "accept-encoding": "br" } });
  assert.equal(res.headers.get("content-encoding"), "br");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), built);
  // No gzip file was built, so a gzip-only browser gets the bytes as they are.
  const plain = await get("/site.css", {
    headers: { "accept-encoding": "gzip" },
  });
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(await plain.text(), css);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("island bundles go brotli'd or gzipped, with an ETag per coding", async () => {
  const get = await appWith({
    "./routes/index.tsx": {
      default: () => h(Counter, { start: 1, label: "one" }),
    },
  }, { islands: { "./islands/Counter.tsx": $Counter } });
  const html = await (await get("/")).text();
  const boot = html.match(/<script type="module"[^>]* src="([^"]+)"/)![1];
  const plain = await get(boot);
  const code = await plain.text();
  assert.equal(plain.headers.get("vary"), "Accept-Encoding");
  const identityTag = plain.headers.get("etag")!;
  assert.match(identityTag, /^"[0-9a-f]{32}"$/);

  const br = await get(boot, { headers: { "accept-encoding": "br, gzip" } });
  assert.equal(br.headers.get("content-encoding"), "br");
  assert.equal(br.headers.get("etag"), identityTag.replace(/"$/, '-br"'));
  assert.equal(
    brotliDecompressSync(new Uint8Array(await br.arrayBuffer())).toString(),
    code,
  );
  const gz = await get(boot, { headers: { "accept-encoding": "gzip" } });
  assert.equal(gz.headers.get("content-encoding"), "gzip");
  assert.equal(
    gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString(),
    code,
  );
  const again = await get(boot, {
    headers: {
      "accept-encoding": "gzip",
      "if-none-match": identityTag.replace(/"$/, '-gz"'),
    },
  });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
});

Deno.test("HTML pages are gzipped when the browser takes gzip and the page is over 1 KiB", async (t) => {
  const long = "這是一個很長的段落。".repeat(100);
  const get = await appWith({
    "./routes/long.tsx": { default: () => h("p", null, long) },
    "./routes/short.tsx": { default: () => h("p", null, "short") },
    "./routes/text.ts": {
      handler: () => new Response("x".repeat(4000)),
    },
  });
  const browser = { headers: { "accept-encoding": "gzip, deflate, br" } };
  await pageCompressionReady();

  await t.step("a long page is gzipped and reads the same", async () => {
    const plain = await (await get("/long")).text();
    const res = await get("/long", browser);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.equal(res.headers.get("vary"), "Accept-Encoding");
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const body = new Uint8Array(await res.arrayBuffer());
    assert.ok(body.length < plain.length / 3);
    assert.equal(gunzipSync(body).toString(), plain);
    assert.match(plain, /很長的段落/);
  });
  await t.step(
    "a short page, or a browser that takes no gzip, gets it as it is",
    async () => {
      const short = await get("/short", browser);
      assert.equal(short.headers.get("content-encoding"), null);
      assert.equal(short.headers.get("vary"), "Accept-Encoding");
      assert.match(await short.text(), /<p>short<\/p>/);
      const refused = await get("/long", {
        headers: { "accept-encoding": "br, gzip;q=0" },
      });
      assert.equal(refused.headers.get("content-encoding"), null);
      assert.match(await refused.text(), /很長的段落/);
    },
  );
  await t.step("responses other than HTML are left alone", async () => {
    const res = await get("/text", browser);
    assert.equal(res.headers.get("content-encoding"), null);
    assert.equal(res.headers.get("vary"), null);
    assert.equal((await res.text()).length, 4000);
  });
  await t.step(
    "HEAD gets the headers of the gzipped page and no body",
    async () => {
      const res = await get("/long", { method: "HEAD", ...browser });
      assert.equal(res.headers.get("content-encoding"), "gzip");
      assert.equal(await res.text(), "");
    },
  );
});

Deno.test("the first pages after start go as they are while the compressor loads, then gzipped", async () => {
  // A process of its own: in this one another test has loaded the compressor already.
  const compression = new URL(
    "../../lib/fresh/server/compression.ts",
    import.meta.url,
  );
  const code = `
    import { compressPage, pageCompressionReady } from "${compression.href}";
    const req = new Request("http://shop.test/", { headers: { "accept-encoding": "gzip" } });
    const page = () => new Response("<p>" + "長".repeat(2000) + "</p>", {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
    const first = await compressPage(req, page());
    await pageCompressionReady();
    const then = await compressPage(req, page());
    console.log(JSON.stringify([first, then].map((r) => r.headers.get("content-encoding"))));
  `;
  const { code: exit, stdout, stderr } = await new Deno.Command(
    Deno.execPath(),
    { args: ["eval", "--no-config", code], stdout: "piped", stderr: "piped" },
  ).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), [
    null,
    "gzip",
  ]);
});

Deno.test("a page left as it is keeps its length: its body is never turned into a stream", async () => {
  const get = await appWith({
    "./routes/long.tsx": { default: () => h("p", null, "x".repeat(2000)) },
  });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => get(new URL(req.url).pathname, { headers: req.headers }),
  );
  try {
    const conn = await Deno.connect({
      port: server.addr.port,
      hostname: "127.0.0.1",
    });
    await conn.write(
      new TextEncoder().encode(
        "GET /long HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      ),
    );
    const reply = new TextDecoder().decode(
      await new Response(conn.readable).arrayBuffer(),
    );
    assert.match(reply, /^content-length: \d+\r$/im);
    assert.doesNotMatch(reply, /transfer-encoding: chunked/i);
  } finally {
    await server.shutdown();
  }
});
