import { equal, match, notEqual, ok } from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { loadPageGzip, SharedPages } from "@/lib/http/shared_pages.ts";

const ORIGIN = "http://localhost:8000";

/** What lib/fresh answers for a page: a nonce of its own in the policy and on the page's script. */
function rendered(extra = "", headers: Record<string, string> = {}) {
  const nonce = crypto.randomUUID().replaceAll("-", "");
  return new Response(
    `<!DOCTYPE html><html><head><script type="module" nonce="${nonce}" src="/a.js"></script></head><body>注册${extra}</body></html>`,
    {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          `default-src 'self'; script-src 'self' 'nonce-${nonce}'`,
        "x-frame-options": "DENY",
        ...headers,
      },
    },
  );
}

const at = (path: string, init: RequestInit = {}) => ({
  req: new Request(ORIGIN + path, init),
  ctx: {
    destination: "route" as const,
    route: new URL(path, ORIGIN).pathname,
    url: new URL(path, ORIGIN),
  },
});

function key(pages: SharedPages, path: string, init: RequestInit = {}) {
  const { req, ctx } = at(path, init);
  return pages.keyOf(req, ctx);
}

/** `pages.keep` for a page a route of its own path rendered. */
function keep(pages: SharedPages, page: string, response: Response) {
  return pages.keep(page, response, new URL(`http://${page}`).pathname);
}

async function nonceOf(response: Response) {
  const nonce = response.headers.get("content-security-policy")?.match(
    /'nonce-(\w+)'/,
  )?.[1];
  ok(nonce);
  const html = await response.text();
  match(html, new RegExp(`nonce="${nonce}"`));
  return { nonce, html: html.replaceAll(nonce, "N") };
}

Deno.test("a page two requests rendered alike is shared, each answer with a nonce of its own", async () => {
  const pages = new SharedPages(() => 0);
  const page = key(pages, "/register")!;
  equal(pages.answer(page), null);
  const first = await nonceOf(await keep(pages, page, rendered()));
  equal(pages.answer(page), null, "not after one render");
  await keep(pages, page, rendered());
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const shared = pages.answer(page);
    ok(shared, "shared after the second render matched the first");
    equal(shared.headers.get("x-frame-options"), "DENY");
    const { nonce, html } = await nonceOf(shared);
    equal(html, first.html);
    nonces.add(nonce);
  }
  equal(nonces.size, 3);
});

Deno.test("a page that differs from one render to the next (an image code's uuid) is never shared", async () => {
  const pages = new SharedPages(() => 0);
  const page = key(pages, "/login")!;
  for (let i = 0; i < 4; i++) {
    const uuid = crypto.randomUUID();
    const { html } = await nonceOf(
      await keep(pages, page, rendered(`<img src="/image_codes/${uuid}">`)),
    );
    ok(html.includes(uuid), "each render is answered as it was made");
    equal(pages.answer(page), null);
  }
});

Deno.test("an answer that sets a cookie, is no 200 page, or has no single nonce is never shared", async () => {
  const pages = new SharedPages(() => 0);
  const cases: [string, () => Response][] = [
    ["/", () => rendered("", { "set-cookie": "flash=1" })],
    ["/login", () => new Response("moved", { status: 303 })],
    [
      "/register",
      () =>
        new Response("<p>hi</p>", { headers: { "content-type": "text/html" } }),
    ],
    [
      "/password/reset",
      () => rendered("", { "content-type": "application/json" }),
    ],
  ];
  for (const [path, answer] of cases) {
    const page = key(pages, path)!;
    for (let i = 0; i < 3; i++) {
      await (await keep(pages, page, answer())).text();
    }
    equal(pages.answer(page), null, path);
  }
});

Deno.test("a request with a cookie, a body, another method or for another route shares nothing", () => {
  const pages = new SharedPages(() => 0);
  ok(key(pages, "/login"));
  ok(key(pages, "/login", { method: "HEAD" }));
  equal(
    key(pages, "/login", { headers: { cookie: "username=13800138000" } }),
    null,
  );
  equal(key(pages, "/login", { headers: { cookie: "" } }), null);
  equal(
    key(pages, "/login", { headers: { authorization: "Basic eA==" } }),
    null,
  );
  equal(key(pages, "/login", { method: "POST", body: "username=a" }), null);
  equal(
    key(pages, "/login", { method: "GET", headers: { "content-length": "5" } }),
    null,
  );
  equal(key(pages, "/account"), null);
  equal(key(pages, "/oauth_callback"), null);
  equal(key(pages, `/login?next=${"a".repeat(600)}`), null);
  notEqual(key(pages, "/login?next=/a"), key(pages, "/login?next=/b"));
  const { req, ctx } = at("/login");
  equal(pages.keyOf(req, { ...ctx, destination: "static" }), null);
});

Deno.test("a shared page is rendered again after a minute", async () => {
  const clock = { now: 0 };
  const pages = new SharedPages(() => clock.now);
  const page = key(pages, "/")!;
  await keep(pages, page, rendered("v1"));
  await keep(pages, page, rendered("v1"));
  ok(pages.answer(page));
  clock.now += 59_999;
  ok(pages.answer(page));
  clock.now += 1;
  equal(pages.answer(page), null);
  await keep(pages, page, rendered("v2"));
  await keep(pages, page, rendered("v2"));
  const { html } = await nonceOf(pages.answer(page)!);
  match(html, /v2/);
});

Deno.test("a flood of distinct URLs keeps at most 256 pages, the oldest forgotten", async () => {
  const pages = new SharedPages(() => 0);
  const first = key(pages, "/login?next=/0")!;
  await keep(pages, first, rendered());
  await keep(pages, first, rendered());
  ok(pages.answer(first));
  for (let i = 1; i <= 256; i++) {
    await keep(pages, key(pages, `/login?next=/${i}`)!, rendered());
  }
  equal(pages.answer(first), null);
  equal((await keep(pages, first, rendered())).status, 200);
});

/** A page two renders have made shared under `path`. */
async function sharedAt(pages: SharedPages, path: string) {
  const page = key(pages, path)!;
  await keep(pages, page, rendered());
  await keep(pages, page, rendered());
  ok(pages.answer(page));
}

const before = (pages: SharedPages, path: string, init: RequestInit = {}) => {
  const req = new Request(ORIGIN + path, init);
  return pages.answerBeforeRouting(req, new URL(req.url));
};

Deno.test("a shared page is answered before routing to a plain GET of its URL, with a nonce of its own", async () => {
  const pages = new SharedPages(() => 0);
  equal(before(pages, "/register"), null, "nothing shared yet");
  const page = key(pages, "/register")!;
  await keep(pages, page, rendered());
  equal(before(pages, "/register"), null, "not after one render");
  await keep(pages, page, rendered());
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const shared = before(pages, "/register");
    ok(shared);
    equal(shared.route, "/register");
    nonces.add((await nonceOf(shared.response)).nonce);
  }
  equal(nonces.size, 3);
});

Deno.test("a request the runtime would treat otherwise is not answered before routing", async () => {
  const pages = new SharedPages(() => 0);
  await sharedAt(pages, "/login");
  ok(before(pages, "/login"));
  const refused: [string, RequestInit][] = [
    // The runtime strips a HEAD's body.
    ["/login", { method: "HEAD" }],
    ["/login", { headers: { cookie: "visitor=1" } }],
    ["/login", { headers: { authorization: "Basic eA==" } }],
    ["/login", { headers: { "content-length": "0" } }],
    ["/login", { method: "POST", body: "username=a" }],
    // The runtime collapses `//` and redirects a trailing `/`: never a shared page's own URL.
    ["//login", {}],
    ["/login/", {}],
    ["/login?next=/a", {}],
    ["/Login", {}],
  ];
  for (const [path, init] of refused) {
    equal(before(pages, path, init), null, `${path} ${JSON.stringify(init)}`);
  }
  const elsewhere = new Request("http://shop.example/login");
  equal(pages.answerBeforeRouting(elsewhere, new URL(elsewhere.url)), null);
});

Deno.test("a shared page past its minute is not answered before routing", async () => {
  const clock = { now: 0 };
  const pages = new SharedPages(() => clock.now);
  await sharedAt(pages, "/");
  ok(before(pages, "/"));
  clock.now += 60_000;
  equal(before(pages, "/"), null);
});

Deno.test("a request that takes gzip gets the shared page gzipped, its nonce its own; one that does not, as it is", async () => {
  await loadPageGzip();
  const pages = new SharedPages(() => 0);
  const page = key(pages, "/register")!;
  // The nonce at the page's start and end too: the parts around it may be empty.
  const nonce = "0123456789abcdef0123456789abcdef";
  const edges = () =>
    rendered(`<p>注册 ${"表单".repeat(400)}</p>`).text().then((html) => {
      const own = html.match(/nonce="(\w+)"/)![1];
      return new Response(`${own}${html}${own}`, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": `script-src 'nonce-${own}'`,
        },
      });
    });
  await keep(pages, page, await edges());
  await keep(pages, page, await edges());
  const get = (acceptEncoding: string) => {
    const shared = before(pages, "/register", {
      headers: { "accept-encoding": acceptEncoding },
    });
    ok(shared, acceptEncoding);
    return shared.response;
  };
  const identity = await nonceOf(get("identity"));
  const seen = new Set<string>();
  for (
    const taking of ["gzip, deflate, br", "gzip", "*", "br;q=1, gzip;q=0.8"]
  ) {
    const response = get(taking);
    equal(response.headers.get("content-encoding"), "gzip", taking);
    equal(response.headers.get("vary"), "Accept-Encoding");
    const own = response.headers.get("content-security-policy")!.match(
      /'nonce-(\w+)'/,
    )![1];
    const html = new TextDecoder().decode(
      gunzipSync(new Uint8Array(await response.arrayBuffer())),
    );
    ok(html.startsWith(own) && html.endsWith(own));
    equal(html.replaceAll(own, "N"), identity.html, taking);
    seen.add(own);
  }
  equal(seen.size, 4);
  notEqual(seen.has(nonce), true);
  for (
    const not of ["identity", "gzip;q=0", "identity;q=1, gzip;q=0.5", "br"]
  ) {
    const response = get(not);
    equal(response.headers.get("content-encoding"), null, not);
    equal((await nonceOf(response)).html, identity.html, not);
  }
});
