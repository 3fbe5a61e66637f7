import assert from "node:assert/strict";
import type { ComponentChildren } from "preact";
import type { Handlers, RouteConfig } from "$fresh/server.ts";
import { nonce, NONE, SELF, UNSAFE_INLINE, useCSP } from "$fresh/runtime.ts";
import * as $Counter from "./fixture/islands/Counter.tsx";
import Counter from "./fixture/islands/Counter.tsx";
import { appWith } from "./helpers.ts";

const csp: RouteConfig = { csp: true };

function AllowImages({ children }: { children?: ComponentChildren }) {
  useCSP((policy) => {
    policy.directives.imgSrc = [SELF, "https://img.example"];
  });
  return <>{children}</>;
}

const get = await appWith({
  "./routes/_app.tsx": {
    default: ({ Component }: { Component: () => null }) => {
      useCSP((policy) => {
        policy.directives.scriptSrc = [SELF];
      });
      return (
        <html>
          <head />
          <body>
            <Component />
          </body>
        </html>
      );
    },
  },
  "./routes/_404.tsx": { config: csp, default: () => <p>gone</p> },
  "./routes/plain.tsx": { default: () => <p>no policy asked for</p> },
  "./routes/counter.tsx": {
    config: csp,
    default: () => <Counter start={1} label="clicks" />,
  },
  "./routes/images.tsx": {
    config: csp,
    default: () => <AllowImages>images</AllowImages>,
  },
  "./routes/inline.tsx": {
    config: csp,
    default: () => <script>console.log(1)</script>,
  },
  "./routes/report.tsx": {
    config: csp,
    default: () => {
      useCSP((policy) => {
        policy.reportOnly = true;
        policy.directives.reportUri = "/csp-reports";
      });
      return <p>reported</p>;
    },
  },
  "./routes/own-header.tsx": {
    config: csp,
    handler: {
      GET: (_req, ctx) =>
        ctx.render(undefined, {
          headers: { "content-security-policy": "frame-ancestors 'none'" },
        }),
    } satisfies Handlers,
    default: () => <p>two policies</p>,
  },
  "./routes/missing.tsx": {
    handler: { GET: (_req, ctx) => ctx.renderNotFound() } satisfies Handlers,
  },
}, { islands: { "./islands/Counter.tsx": $Counter } });

/** The page's nonce, from its policy's script-src. */
function nonceOf(policy: string | null): string {
  const found = policy?.match(/script-src [^;]*'nonce-(\w+)'/);
  assert.ok(found, `no nonce in ${policy}`);
  return found[1];
}

Deno.test("a route without config.csp gets no policy, even when a component calls useCSP", async () => {
  const response = await get("/plain");
  await response.body?.cancel();
  assert.equal(response.headers.get("content-security-policy"), null);
  assert.equal(
    response.headers.get("content-security-policy-report-only"),
    null,
  );
});

Deno.test("config.csp: the policy starts from default-src 'none', takes each useCSP change, and ends with the page's nonce", async (t) => {
  await t.step("_app's change applies to every page", async () => {
    const response = await get("/counter");
    const html = await response.text();
    const policy = response.headers.get("content-security-policy");
    const pageNonce = nonceOf(policy);
    assert.equal(
      policy,
      `default-src ${NONE}; style-src ${UNSAFE_INLINE}; script-src ${SELF} ${
        nonce(pageNonce)
      }`,
    );
    assert.match(pageNonce, /^[0-9a-f]{32}$/);
    assert.match(
      html,
      new RegExp(`<script type="module" nonce="${pageNonce}" src="[^"]+">`),
      "the boot module carries the nonce",
    );
  });

  await t.step("a component's change joins _app's", async () => {
    const response = await get("/images");
    await response.body?.cancel();
    assert.match(
      response.headers.get("content-security-policy") ?? "",
      /^default-src 'none'; style-src 'unsafe-inline'; script-src 'self' 'nonce-\w+'; img-src 'self' https:\/\/img\.example$/,
    );
  });

  await t.step("every response has a nonce of its own", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const response = await get("/counter");
      await response.body?.cancel();
      nonces.add(nonceOf(response.headers.get("content-security-policy")));
    }
    assert.equal(nonces.size, 3);
  });

  await t.step("a <script> a component writes gets the nonce", async () => {
    const response = await get("/inline");
    const pageNonce = nonceOf(response.headers.get("content-security-policy"));
    assert.match(
      await response.text(),
      new RegExp(`<script nonce="${pageNonce}">console.log\\(1\\)</script>`),
    );
  });

  await t.step(
    "reportOnly sends it as Content-Security-Policy-Report-Only",
    async () => {
      const response = await get("/report");
      await response.body?.cancel();
      assert.equal(response.headers.get("content-security-policy"), null);
      assert.match(
        response.headers.get("content-security-policy-report-only") ?? "",
        /script-src 'self' 'nonce-\w+'; report-uri \/csp-reports$/,
      );
    },
  );

  await t.step(
    "a policy the handler sends too is kept beside the page's",
    async () => {
      const response = await get("/own-header");
      await response.body?.cancel();
      const [own, page] = (response.headers.get("content-security-policy") ??
        "").split(", ");
      assert.equal(own, "frame-ancestors 'none'");
      nonceOf(page);
    },
  );

  await t.step("_404 with config.csp has its policy too", async () => {
    for (const path of ["/no-such-page", "/missing"]) {
      const response = await get(path);
      assert.equal(response.status, 404);
      assert.equal(
        await response.text(),
        "<!DOCTYPE html><html><head></head><body><p>gone</p></body></html>",
      );
      nonceOf(response.headers.get("content-security-policy"));
    }
  });
});
