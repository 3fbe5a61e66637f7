import { equal, match, ok } from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
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
  };
  return Object.keys(manifest.routes)
    .map((file) => file.replace(/^\.\/routes|\.[jt]sx?$/g, ""))
    .filter((path) => !path.split("/").some((part) => part.startsWith("_")))
    .map((path) =>
      path.replace(/\/index$/, "").replace(
        /\[(\w+)\]/g,
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
