import { equal, match } from "node:assert/strict";
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
