import { equal, match, ok } from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
import { installApp } from "@/lib/app/app.ts";
import { appHandler } from "@/lib/http/serve.ts";
import { XIAOMING } from "@/tests/routes/_browser.ts";
import { testApp } from "@/tests/_app.ts";

// A browser that reached the server as 127.0.0.1, while the server, listening on every interface, can
// only guess it is called localhost.
const BROWSER_ORIGIN = "http://127.0.0.1:8000";

Deno.test("a QQ login started at 127.0.0.1 stays on 127.0.0.1 when the server listens on 0.0.0.0", async (t) => {
  const app = await testApp({ HOSTNAME: "0.0.0.0" });
  installApp(app);
  const handler = await appHandler(manifest);
  app.fetch = (input, init) => handler(new Request(input, init));
  const cookies = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await handler(
      new Request(new URL(path, BROWSER_ORIGIN), { ...init, headers }),
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  let authorize = "";
  let callback = "";

  await t.step("the login sends it to the simulator by path", async () => {
    const start = await request("/oauth/qq/login?next=/orders");
    equal(start.status, 302);
    authorize = start.headers.get("location")!;
    match(authorize, /^\/dev\/qq\/oauth2\.0\/authorize\?/);
  });

  await t.step(
    "the simulator sends it back to the callback by path",
    async () => {
      const granted = await request(authorize, {
        method: "POST",
        body: new URLSearchParams({ ...XIAOMING }),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: BROWSER_ORIGIN,
        },
      });
      equal(granted.status, 302);
      callback = granted.headers.get("location")!;
      match(callback, /^\/oauth_callback\?code=/);
    },
  );

  await t.step(
    "where its state cookie is, so the bind page opens",
    async () => {
      const answer = await request(callback);
      equal(answer.status, 303);
      const page = await request(answer.headers.get("location")!);
      equal(page.status, 200);
      ok((await page.text()).includes('name="access_token"'));
    },
  );

  app.close();
});

const ENVS: Record<string, string>[] = [
  { PUBLIC_ORIGIN: "http://shop.test" },
  { HOSTNAME: "127.0.0.1" },
];

Deno.test("with PUBLIC_ORIGIN, or a server told its name, the login's URLs stay absolute", async () => {
  for (const env of ENVS) {
    const app = await testApp({ HOSTNAME: "0.0.0.0", ...env });
    installApp(app);
    const handler = await appHandler(manifest);
    const start = await handler(
      new Request(`${BROWSER_ORIGIN}/oauth/qq/login`),
    );
    match(
      start.headers.get("location")!,
      /^http:\/\/[^/]+\/dev\/qq\/oauth2\.0\/authorize\?/,
    );
    app.close();
  }
});

Deno.test("an outside provider is given a redirect URI on the loopback name the browser used, and never on another Host", async () => {
  const app = await testApp({
    HOSTNAME: "0.0.0.0",
    QQ_CLIENT_ID: "101234567",
    QQ_CLIENT_SECRET: "app-key",
    QQ_API_BASE: "http://127.0.0.1:9999",
  });
  installApp(app);
  const handler = await appHandler(manifest);
  const redirectUri = async (origin: string, host?: string) => {
    const start = await handler(
      new Request(`${origin}/oauth/qq/login`, {
        headers: host ? { host } : {},
      }),
    );
    equal(start.status, 302);
    const authorize = new URL(start.headers.get("location")!);
    equal(authorize.origin, "http://127.0.0.1:9999");
    return authorize.searchParams.get("redirect_uri");
  };
  equal(
    await redirectUri("http://127.0.0.1:8000"),
    "http://127.0.0.1:8000/oauth_callback",
  );
  equal(
    await redirectUri("http://localhost:8000"),
    "http://localhost:8000/oauth_callback",
  );
  equal(
    await redirectUri("http://[::1]:8000"),
    "http://[::1]:8000/oauth_callback",
  );
  // Any other name, or another port, is the listening address's guess.
  for (const origin of ["http://evil.example:8000", "http://127.0.0.1:9000"]) {
    equal(
      await redirectUri(origin),
      "http://localhost:8000/oauth_callback",
      origin,
    );
  }
  app.close();
});
