import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createHandler } from "$fresh/server.ts";
import { contentHash } from "$fresh/server/static.ts";
import manifest from "@/tests/fresh/fixture/fresh.gen.ts";

Deno.test("`dev.ts build` writes _fresh/, and a server with it never bundles", async (t) => {
  const outDir = await Deno.makeTempDir();
  const fixtureDev = new URL("./fixture/dev.ts", import.meta.url).pathname;

  await t.step(
    "the build writes the bundles and a snapshot.json naming them",
    async () => {
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", fixtureDev, "build"],
        env: { FRESH_FIXTURE_OUT_DIR: outDir },
        stdout: "null",
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
    },
  );
  const snapshot = JSON.parse(
    await Deno.readTextFile(`${outDir}/snapshot.json`),
  );
  await t.step(
    "snapshot.json has the build id, the entries and every file's code",
    () => {
      assert.match(snapshot.buildId, /^[0-9a-f]{16}$/);
      assert.equal(snapshot.entries.boot[0], "lib/fresh/runtime/boot.js");
      assert.equal(
        snapshot.entries["./islands/Counter.tsx"][0],
        "tests/fresh/fixture/islands/Counter.js",
      );
      for (const [path] of Object.values<string[]>(snapshot.entries)) {
        assert.match(snapshot.files[path], /\bexport\b|\bimport\b/, path);
      }
    },
  );

  await t.step(
    "beside it, brotli and gzip variants of each bundle, by content hash",
    async () => {
      for (const code of Object.values<string>(snapshot.files)) {
        if (code.length < 1000) continue; // too small to gain
        const hash = await contentHash(new TextEncoder().encode(code), 16);
        const br = await Deno.readFile(`${outDir}/compressed/${hash}.br`);
        const gz = await Deno.readFile(`${outDir}/compressed/${hash}.gz`);
        assert.equal(brotliDecompressSync(br).toString(), code);
        assert.equal(gunzipSync(gz).toString(), code);
      }
    },
  );

  await t.step(
    "served from the snapshot, under its build id, with Deno.bundle unavailable",
    async () => {
      const deno = Deno as unknown as { bundle: unknown };
      const realBundle = deno.bundle;
      deno.bundle = () =>
        Promise.reject(new Error("must not bundle at run time"));
      try {
        const handler = await createHandler(manifest, { build: { outDir } });
        const page = await handler(new Request("http://localhost/"));
        const html = await page.text();
        assert.equal(page.status, 200, html);
        const boot = `/_frsh/js/${snapshot.buildId}/lib/fresh/runtime/boot.js`;
        assert.match(
          html,
          new RegExp(`<script type="module" nonce="\\w+" src="${boot}">`),
        );
        const js = await handler(new Request(`http://localhost${boot}`));
        assert.equal(js.status, 200);
        assert.equal(
          await js.text(),
          snapshot.files["lib/fresh/runtime/boot.js"],
        );
      } finally {
        deno.bundle = realBundle;
      }
    },
  );
  await Deno.remove(outDir, { recursive: true });
});
