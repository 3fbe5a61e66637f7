import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { Head } from "$fresh/runtime.ts";
import * as $Counter from "@/tests/fresh/fixture/islands/Counter.tsx";
import * as $SignalCounter from "@/tests/fresh/fixture/islands/SignalCounter.tsx";
import * as $Panel from "@/tests/fresh/fixture/islands/Panel.tsx";
import Counter, { Echo } from "@/tests/fresh/fixture/islands/Counter.tsx";
import SignalCounter from "@/tests/fresh/fixture/islands/SignalCounter.tsx";
import Panel from "@/tests/fresh/fixture/islands/Panel.tsx";
import { appWith } from "./helpers.ts";

const islands = {
  "./islands/Counter.tsx": $Counter,
  "./islands/SignalCounter.tsx": $SignalCounter,
  "./islands/Panel.tsx": $Panel,
};

interface IslandData {
  buildId: string;
  islands: {
    chunk: string;
    exportName: string;
    props: Record<string, unknown>;
  }[];
}

function islandData(html: string): IslandData {
  const json = html.match(
    /<script type="application\/json" id="__frsh_islands">(.*?)<\/script>/,
  )![1];
  return JSON.parse(json);
}

const nasty = "</script><script>alert(1)</script> & <b> \u2028 \u2029 end";
const shared = signal(5);

const get = await appWith({
  "./routes/plain.tsx": {
    default: () => (
      <>
        <Head>
          <title>Plain page</title>
          <meta name="description" content="no islands here" />
        </Head>
        <p>just HTML</p>
      </>
    ),
  },
  "./routes/counter.tsx": {
    default: () => (
      <main>
        <Counter start={3} label="first" />
        <Echo value={{ list: [1, "two", null, true], nested: { deep: 1.5 } }} />
      </main>
    ),
  },
  "./routes/nested.tsx": { default: () => <Panel title="outer" /> },
  "./routes/nasty.tsx": { default: () => <Counter start={0} label={nasty} /> },
  "./routes/signals.tsx": {
    default: () => (
      <>
        <SignalCounter count={shared} name="a" />
        <SignalCounter count={shared} name="b" />
      </>
    ),
  },
  "./routes/bad-prop.tsx": {
    default: () => <Echo value={{ onClick: () => {} }} />,
  },
  "./routes/form-and-buttons.tsx": {
    default: () => (
      <>
        <Counter start={1} label="one" />
        <Panel title="beside" />
      </>
    ),
  },
  "./routes/two-kinds.tsx": {
    default: () => (
      <>
        <Counter start={1} label="one" />
        <SignalCounter count={shared} name="c" />
      </>
    ),
  },
}, { islands });

Deno.test("a page without islands ships no JavaScript at all", async () => {
  const html = await (await get("/plain")).text();
  assert.doesNotMatch(html, /<script/);
  assert.doesNotMatch(html, /modulepreload/);
  assert.match(
    html,
    /<head>.*<title>Plain page<\/title><meta name="description" content="no islands here"\/?><\/head>/,
  );
});

Deno.test("islands render on the server, marked for hydration with their props as JSON", async (t) => {
  const html = await (await get("/counter")).text();
  const data = islandData(html);

  await t.step("each island sits between numbered comments", () => {
    assert.match(
      html,
      /<main><!--frsh:0--><div class="counter"><span class="label">first<\/span><output>3<\/output>.*?<\/div><!--\/frsh:0--><!--frsh:1--><pre>.*?<\/pre><!--\/frsh:1--><\/main>/,
    );
  });
  await t.step("props travel as JSON, named exports are islands too", () => {
    assert.deepEqual(
      data.islands.map((
        i,
      ) => [i.chunk.split("/").pop(), i.exportName, i.props]),
      [
        ["Counter.js", "default", { start: 3, label: "first" }],
        ["Counter.js", "Echo", {
          value: { list: [1, "two", null, true], nested: { deep: 1.5 } },
        }],
      ],
    );
    assert.match(
      data.islands[0].chunk,
      new RegExp(`^/_frsh/js/${data.buildId}/`),
    );
  });
  await t.step(
    "one island's page bundle loads them, and nothing runs inline",
    () => {
      assert.deepEqual(scriptTags(html), [
        `<script type="module" nonce="…" src="/_frsh/js/${data.buildId}/pages/0_Counter.js">`,
        `<script type="application/json" id="__frsh_islands">`,
      ]);
      assert.doesNotMatch(html, /modulepreload/);
      assert.doesNotMatch(html, /style=/);
    },
  );
  await t.step(
    "islands from two files load their pair's page bundle, one file",
    async () => {
      const html = await (await get("/form-and-buttons")).text();
      const { buildId, islands } = islandData(html);
      assert.deepEqual(scriptTags(html), [
        `<script type="module" nonce="…" src="/_frsh/js/${buildId}/pages/1_Counter_Panel.js">`,
        `<script type="application/json" id="__frsh_islands">`,
      ]);
      assert.doesNotMatch(html, /modulepreload/);
      // The bundle hands each island's data the module its chunk names.
      const bundle =
        await (await get(`/_frsh/js/${buildId}/pages/1_Counter_Panel.js`))
          .text();
      for (const { chunk } of islands) {
        assert.ok(
          bundle.includes(
            JSON.stringify(
              chunk.slice(chunk.indexOf("/", `/_frsh/js/${buildId}`.length)),
            ),
          ),
          chunk,
        );
      }
    },
  );
  await t.step(
    "islands from two files load through the boot module, with preloads",
    async () => {
      const mixed = await (await get("/two-kinds")).text();
      const { buildId } = islandData(mixed);
      assert.deepEqual(scriptTags(mixed), [
        `<script type="module" nonce="…" src="/_frsh/js/${buildId}/lib/fresh/runtime/boot.js">`,
        `<script type="application/json" id="__frsh_islands">`,
      ]);
      for (
        const file of [
          "lib/fresh/runtime/boot",
          "/islands/Counter",
          "/islands/SignalCounter",
        ]
      ) {
        assert.match(
          mixed,
          new RegExp(
            `<link rel="modulepreload" href="/_frsh/js/${buildId}/[^"]*${file}.js">`,
          ),
        );
      }
    },
  );
});

function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script[^>]*>/g)].map((m) =>
    m[0].replace(/ nonce="\w{32}"/, ' nonce="…"')
  );
}

Deno.test("an island rendered inside another island is part of it, not marked again", async () => {
  const html = await (await get("/nested")).text();
  assert.match(
    html,
    /<!--frsh:0--><section><h2>outer<\/h2><div class="counter">.*<output>10<\/output>.*<\/section><!--\/frsh:0-->/,
  );
  assert.doesNotMatch(html, /frsh:1/);
  assert.deepEqual(islandData(html).islands.map((i) => i.props), [{
    title: "outer",
  }]);
});

Deno.test("prop JSON cannot break out of its script element", async () => {
  const html = await (await get("/nasty")).text();
  const json = html.match(/id="__frsh_islands">(.*?)<\/script>/)![1];
  for (const raw of ["<", ">", "&", "\u2028", "\u2029"]) {
    assert.ok(
      !json.includes(raw),
      `JSON contains a raw ${JSON.stringify(raw)}`,
    );
  }
  assert.match(json, /\\u003c\/script\\u003e\\u003cscript\\u003ealert\(1\)/);
  assert.equal(islandData(html).islands[0].props.label, nasty);
  assert.equal(html.split("</script>").length - 1, 2); // the boot module's and the data's own
});

Deno.test("signal props travel as their value tagged with one id per signal", async () => {
  const html = await (await get("/signals")).text();
  assert.match(
    html,
    /<button type="button" class="signal-a"\s*>a: 5<\/button>/,
  );
  const data = islandData(html);
  assert.deepEqual(data.islands.map((i) => i.props), [
    { count: { __frsh_signal: 0, value: 5 }, name: "a" },
    { count: { __frsh_signal: 0, value: 5 }, name: "b" },
  ]);
});

Deno.test("a page whose props hold a signal loads the split bundle, whose boot brings @preact/signals; others get their island's page bundle", async () => {
  const scripts = (html: string) =>
    [...html.matchAll(/<script type="module"[^>]* src="([^"]+)"/g)].map((m) =>
      m[1]
    );
  const [single] = scripts(await (await get("/counter")).text());
  assert.match(single, /\/pages\/\d+_Counter\.js$/);
  const [boot] = scripts(await (await get("/signals")).text());
  assert.match(boot, /\/boot\.js$/);
  // signals-core's own words, in whichever file carries it.
  const carries = async (url: string) =>
    (await (await get(url)).text()).includes("Cycle detected");
  assert.equal(await carries(single), false, "a page bundle without signals");
  assert.equal(await carries(boot), false, "boot loads them only when asked");
  const lazy = (await (await get(boot)).text()).match(
    /import\("((?:\.\.?\/)+[\w/-]*signals-\w+\.js)"\)/,
  )?.[1];
  assert.ok(lazy, "boot imports the signals chunk on demand");
  assert.equal(
    await carries(new URL(lazy, new URL(boot, "http://x")).pathname),
    true,
  );
});

Deno.test("a prop the browser can't receive fails the page with a clear error", async () => {
  const original = console.error;
  const logged: unknown[] = [];
  console.error = (error: unknown) => logged.push(error);
  try {
    const res = await get("/bad-prop");
    assert.equal(res.status, 500);
    await res.body?.cancel();
  } finally {
    console.error = original;
  }
  assert.match(
    String(logged[0]),
    /Cannot send a function to the browser \(island .*Counter.js#Echo, prop "onClick"\)/,
  );
});

Deno.test("island bundles are served as immutable JavaScript under the build id", async () => {
  const html = await (await get("/two-kinds")).text();
  const urls = [...html.matchAll(/(?:href|src)="(\/_frsh\/[^"]+)"/g)].map((m) =>
    m[1]
  );
  assert.ok(
    urls.length >= 3,
    `expected boot, island and shared chunks, got ${urls}`,
  );
  for (const url of urls) {
    const res = await get(url);
    assert.equal(res.status, 200, url);
    assert.equal(
      res.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    assert.equal(
      res.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.ok((await res.text()).length > 0);
  }
  const wrongBuild = await get(
    urls[0].replace(/\/_frsh\/js\/\w+\//, "/_frsh/js/stale/"),
  );
  assert.equal(wrongBuild.status, 404);
  await wrongBuild.body?.cancel();
});
