import assert from "node:assert/strict";
import { asUtf8 } from "$fresh/build/bundles.ts";
import { browserConfig } from "$fresh/build/bundler.ts";

Deno.test("bundles carry Chinese as UTF-8, not as \\u escapes, and mean the same", async (t) => {
  const cases: [string, string][] = [
    [String.raw`const a="\u6B63\u5728\u524D\u5F80";`, 'const a="正在前往";'],
    [String.raw`x=\u4E2D;`, "x=中;"],
    [String.raw`/[\u4E00-\u9FFF]/.test(s)`, "/[一-鿿]/.test(s)"],
    [
      String.raw`t=${"`"}\u7B2C${"${n}"}\u6B21${"`"}`,
      `t=${"`"}第${"${n}"}次${"`"}`,
    ],
  ];
  await t.step("escapes of characters past ASCII become the characters", () => {
    for (const [escaped, plain] of cases) assert.equal(asUtf8(escaped), plain);
  });
  await t.step("the code evaluates to the same values", () => {
    const code = String
      .raw`return ["\u6B63\u5728", /^[\u4E00-\u9FFF]+$/.test("\u4E2D\u6587"), "a\\u6B63"]`;
    const run = (source: string) => new Function(source)();
    assert.deepEqual(run(asUtf8(code)), run(code));
    assert.deepEqual(run(code), ["正在", true, "a\\u6B63"]);
  });
  await t.step(
    "an escaped backslash, ASCII, separators, surrogates and the BOM stay",
    () => {
      for (
        const kept of [
          String.raw`"\\u6B63"`,
          String.raw`"\u0041\u007F"`,
          String.raw`"\u2028\u2029"`,
          String.raw`"\uD83D\uDE00"`,
          String.raw`"\uFEFF"`,
        ]
      ) {
        assert.equal(asUtf8(kept), kept);
      }
      assert.equal(asUtf8(String.raw`"\\\u6B63"`), String.raw`"\\正"`);
    },
  );
});

Deno.test("the app's island bundles load nothing a browser lacks: no node: module, no npm: or jsr: specifier", async () => {
  const { default: manifest } = await import("@/fresh.gen.ts");
  const { bundleIslands } = await import("$fresh/build/bundles.ts");
  const { files } = await bundleIslands(manifest);
  const paths = Object.keys(files);
  assert.ok(paths.length > 0);
  for (const path of paths) {
    const specifiers = [
      ...files[path].matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g),
    ].map((match) => match[1]);
    const foreign = specifiers.filter((specifier) =>
      /^(node|npm|jsr):/.test(specifier)
    );
    assert.deepEqual(foreign, [], `${path} imports ${foreign.join(", ")}`);
  }
});

Deno.test("a precompiling app's islands are bundled with a config for the browser's JSX", () => {
  const project = new URL("file:///shop/deno.json");
  const config = browserConfig({
    compilerOptions: {
      jsx: "precompile",
      jsxImportSource: "preact",
      jsxPrecompileSkipElements: ["script"],
      lib: ["dom"],
    },
    imports: { "@/": "./", "$fresh/": "./lib/fresh/", preact: "npm:preact" },
    scopes: { "./vendor/": { x: "../x.ts" } },
    unstable: ["kv"],
  }, project);
  assert.deepEqual(config, {
    compilerOptions: {
      jsx: "react-jsx",
      jsxImportSource: "preact",
      lib: ["dom"],
    },
    imports: {
      "@/": "file:///shop/",
      "$fresh/": "file:///shop/lib/fresh/",
      preact: "npm:preact",
    },
    scopes: { "file:///shop/vendor/": { x: "file:///x.ts" } },
    unstable: ["kv"],
    lock: { path: "/shop/deno.lock" },
  });
  assert.deepEqual(
    browserConfig({ lock: false }, project).lock,
    false,
    "no lockfile stays none",
  );
  assert.deepEqual(
    browserConfig({ lock: { path: "locks/app.lock" } }, project).lock,
    { path: "/shop/locks/app.lock" },
  );
});
