import { equal, match, ok } from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
import type { FreshContext } from "$fresh/server.ts";
import type { State } from "@/lib/http/request_state.ts";
import { handler as appMiddleware } from "@/routes/_middleware.ts";
import { installApp } from "@/lib/app/app.ts";
import { appHandler } from "@/lib/http/serve.ts";
import { loadPageGzip } from "@/lib/http/shared_pages.ts";
import { gunzipSync } from "node:zlib";
import { testApp } from "@/tests/_app.ts";
import { testBrowser } from "@/tests/routes/_browser.ts";

Deno.test("the server's own 500 page carries the security headers", async () => {
  const app = await testApp();
  const browser = await testBrowser(app);
  app.kv.close(); // every read now throws: what a KV outage looks like to a route
  const response = await browser.get("/account", {
    cookie: `session=${"A".repeat(43)}`,
  });
  equal(response.status, 500);
  match(await response.text(), /服务器错误/);
  match(
    response.headers.get("content-security-policy") ?? "",
    /frame-ancestors 'none'/,
  );
  equal(response.headers.get("x-content-type-options"), "nosniff");
  equal(response.headers.get("x-frame-options"), "DENY");
  equal(response.headers.get("referrer-policy"), "same-origin");
  app.passwords.close();
});

/** Every route the app has, as a path a browser could ask for. */
function everyRoutePath(): string[] {
  const samples: Record<string, string> = {
    provider: "qq",
    mobile: "13800138000",
    uuid: crypto.randomUUID(),
    key: "avatar",
    // The simulators' one route: QQ's token endpoint stands for them.
    path: "oauth2.0/token",
  };
  return Object.keys(manifest.routes)
    .map((file) => file.replace(/^\.\/routes|\.[jt]sx?$/g, ""))
    .filter((path) => !path.split("/").some((part) => part.startsWith("_")))
    .map((path) =>
      path.replace(/\/index$/, "").replace(
        /\[(?:\.\.\.)?(\w+)\]/g,
        (_, name) => samples[name] ?? name,
      ) || "/"
    );
}

Deno.test("a method no route handles is 405 with Allow on every route, whatever its name", async (t) => {
  const app = await testApp();
  const browser = await testBrowser(app);
  const paths = everyRoutePath();
  ok(paths.includes("/login") && paths.includes("/dev/qq/oauth2.0/token"));
  for (
    const method of [
      "constructor",
      "toString",
      "valueOf",
      "hasOwnProperty",
      "__proto__",
      "isPrototypeOf",
      "PROPFIND",
    ]
  ) {
    await t.step(method, async () => {
      for (const path of paths) {
        const response = await browser.request(path, { method });
        await response.body?.cancel();
        if (path.startsWith("/account")) {
          // Logged out, the account pages' guard answers first, whatever the method.
          equal(response.status, 303, `${method} ${path}`);
          continue;
        }
        equal(response.status, 405, `${method} ${path}`);
        const allow = response.headers.get("allow") ?? "";
        match(allow, /^(GET|POST)/, `${method} ${path}: Allow ${allow}`);
        if (allow.includes("GET")) match(allow, /HEAD/);
      }
    });
  }
  app.close();
});

/** `GET <target>` with `host` sent byte for byte over a socket, as no fetch would: the status line. */
async function getWithHost(
  port: number,
  target: string,
  host: string,
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request =
    `GET ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(request));
  const answer = new TextDecoder().decode(
    await new Response(conn.readable).arrayBuffer(),
  );
  return answer.slice(0, answer.indexOf("\r\n"));
}

Deno.test("a Host with a path, query or user part is refused before any route sees it", async (t) => {
  const app = await testApp();
  installApp(app);
  const handler = await appHandler(manifest);
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  const { port } = server.addr;

  await t.step("a plain host and port is served", async () => {
    for (const host of [`127.0.0.1:${port}`, "localhost", "[::1]:8000"]) {
      equal(
        await getWithHost(port, "/account", host),
        "HTTP/1.1 303 See Other",
        host,
      );
    }
  });
  await t.step(
    "`Host: x:1/login?` does not turn GET /account into GET /login",
    async () => {
      for (
        const host of [
          "x:1/login?",
          "x/login",
          "x?a=1",
          "x#",
          "x\\login?",
          "user@x",
          "user:pass@127.0.0.1",
        ]
      ) {
        equal(
          await getWithHost(port, "/account", host),
          "HTTP/1.1 400 Bad Request",
          host,
        );
      }
    },
  );
  await t.step("nor does an absolute target with a user part", async () => {
    equal(
      await getWithHost(port, "http://user@x/login", "x"),
      "HTTP/1.1 400 Bad Request",
    );
  });
  app.close();
});

Deno.test("a shared logged-out page is answered before the runtime routes it, the same page with a nonce of its own, gzipped for a browser", async () => {
  const app = await testApp();
  installApp(app);
  let middlewareRuns = 0;
  const handler = await appHandler({
    ...manifest,
    routes: {
      ...manifest.routes,
      "./routes/_middleware.ts": {
        handler: (req: Request, ctx: FreshContext<State>) => {
          middlewareRuns++;
          return appMiddleware(req, ctx);
        },
      },
    },
  });
  const get = async (headers: Record<string, string> = {}) => {
    const response = await handler(
      new Request("http://localhost:8000/register", { headers }),
    );
    equal(response.status, 200);
    const html = await response.text();
    const nonce = response.headers.get("content-security-policy")?.match(
      /'nonce-([0-9a-f]{32})'/,
    )?.[1];
    ok(nonce && html.includes(`nonce="${nonce}"`));
    equal(response.headers.get("x-frame-options"), "DENY");
    return { html: html.replaceAll(nonce, "N"), nonce };
  };
  // Two renders alike, and the page is shared.
  const rendered = [await get(), await get()];
  equal(middlewareRuns, 2);
  const shared = [await get(), await get(), await get()];
  equal(middlewareRuns, 2, "answered without the runtime and the middleware");
  for (const page of shared) equal(page.html, rendered[0].html);
  equal(new Set([...rendered, ...shared].map(({ nonce }) => nonce)).size, 5);
  // A browser's request too, gzipped as the runtime would gzip it.
  await loadPageGzip();
  const gzipped = await handler(
    new Request("http://localhost:8000/register", {
      headers: { "accept-encoding": "gzip, deflate, br" },
    }),
  );
  equal(gzipped.headers.get("content-encoding"), "gzip");
  const nonce = gzipped.headers.get("content-security-policy")!.match(
    /'nonce-([0-9a-f]{32})'/,
  )![1];
  const html = new TextDecoder().decode(
    gunzipSync(new Uint8Array(await gzipped.arrayBuffer())),
  );
  equal(html.replaceAll(nonce, "N"), rendered[0].html);
  equal(middlewareRuns, 2);
  // A cookie, and the page is the request's own.
  await get({ cookie: "visitor=1" });
  equal(middlewareRuns, 3);
  app.passwords.close();
});
