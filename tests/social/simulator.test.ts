// The sign-in simulators behind their one route, /dev/<provider>/<path>: each provider's endpoints as
// its real ones are named, the methods each takes, and a 404 for what none of them has.
import assert from "node:assert/strict";
import manifest from "@/fresh.gen.ts";
import { installApp } from "@/lib/app/app.ts";
import { appHandler } from "@/lib/http/serve.ts";
import { type TestApp, testApp } from "@/tests/_app.ts";

const ORIGIN = "http://localhost:8000";

async function simulatorsOf(app: TestApp) {
  installApp(app);
  const handler = await appHandler(manifest);
  return (path: string, init: RequestInit = {}) =>
    handler(new Request(new URL(path, ORIGIN), init));
}

function posted(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: ORIGIN,
    },
    body: new URLSearchParams(fields),
  };
}

const AUTHORIZE_PAGES = [
  {
    provider: "qq",
    path: "/dev/qq/oauth2.0/authorize?" + new URLSearchParams({
      response_type: "code",
      client_id: "101000001",
      redirect_uri: `${ORIGIN}/oauth_callback`,
      state: "S",
    }),
    title: "QQ登录（开发模拟器）",
    refusal: "QQ授权失败",
  },
  {
    provider: "wechat",
    path: "/dev/wechat/connect/qrconnect?" + new URLSearchParams({
      appid: "wx5e1d6c7b8a9f0e1d",
      redirect_uri: `${ORIGIN}/oauth/wechat/callback`,
      response_type: "code",
      scope: "snsapi_login",
      state: "S",
    }),
    title: "微信登录（开发模拟器）",
    refusal: "微信登录失败",
  },
  {
    provider: "weibo",
    path: "/dev/weibo/oauth2/authorize?" + new URLSearchParams({
      client_id: "3710000001",
      redirect_uri: `${ORIGIN}/oauth/weibo/callback`,
      response_type: "code",
      state: "S",
    }),
    title: "微博登录（开发模拟器）",
    refusal: "微博授权失败",
  },
];

Deno.test("each provider's simulator answers under /dev/<provider>/ as the provider would", async (t) => {
  const app = await testApp();
  const fetch = await simulatorsOf(app);

  for (const { provider, path, title, refusal } of AUTHORIZE_PAGES) {
    await t.step(
      `${provider}: its authorize page, and its refusal`,
      async () => {
        const page = await fetch(path);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.ok(html.includes(`<title>${title}</title>`), html);
        assert.match(html, /<section class="card dev-\w+">/);

        // Without the app's parameters.
        const refused = await fetch(path.split("?")[0]);
        assert.equal(refused.status, 400);
        const problem = await refused.text();
        assert.ok(problem.includes(`<title>${refusal} - 美多商城</title>`));
        assert.match(problem, /<section class="card problem">/);
      },
    );
  }

  await t.step("qq: the token endpoint, refusing in QQ's JSONP", async () => {
    const response = await fetch("/dev/qq/oauth2.0/token");
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^callback\( \{"error":100004,/);
  });

  await t.step(
    "wechat: the token endpoint, refusing with errcode",
    async () => {
      const response = await fetch("/dev/wechat/sns/oauth2/access_token");
      assert.equal(response.status, 200);
      assert.equal((await response.json()).errcode, 41002);
    },
  );

  await t.step("weibo: the token endpoint takes a form post", async () => {
    const response = await fetch(
      "/dev/weibo/oauth2/access_token",
      posted({ client_id: "3710000001", client_secret: "wrong" }),
    );
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error, "invalid_client");
  });

  app.close();
});

Deno.test("an endpoint takes only its provider's methods: others are 405 and say which", async () => {
  const app = await testApp();
  const fetch = await simulatorsOf(app);
  for (
    const [method, path, allow] of [
      ["POST", "/dev/qq/oauth2.0/me", "GET, HEAD"],
      ["PUT", AUTHORIZE_PAGES[0].path, "GET, POST, HEAD"],
      ["DELETE", "/dev/wechat/sns/userinfo", "GET, HEAD"],
      ["GET", "/dev/weibo/oauth2/access_token", "POST"],
      ["POST", "/dev/weibo/2/users/show.json", "GET, HEAD"],
      ["POST", `/dev/qq/avatar/${"0".repeat(32)}`, "GET, HEAD"],
    ]
  ) {
    const init = method === "POST"
      ? posted({})
      : { method, headers: { origin: ORIGIN } };
    const response = await fetch(path, init);
    assert.equal(response.status, 405, `${method} ${path}`);
    assert.equal(response.headers.get("allow"), allow, `${method} ${path}`);
    await response.body?.cancel();
  }
  app.close();
});

Deno.test("HEAD is answered as GET, without the body", async () => {
  const app = await testApp();
  const fetch = await simulatorsOf(app);
  const response = await fetch("/dev/qq/oauth2.0/me", { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(response.body, null);
  app.close();
});

Deno.test("a path no simulator has is the 404 page", async () => {
  const app = await testApp();
  const fetch = await simulatorsOf(app);
  for (
    const path of [
      "/dev/qq",
      "/dev/qq/oauth2.0",
      "/dev/qq/oauth2.0/authorize/more",
      "/dev/qq/avatar",
      "/dev/qq/avatar/a/b",
      "/dev/qq/sns/userinfo", // WeChat's, not QQ's
      "/dev/qq/constructor",
      "/dev/qq/__proto__",
      "/dev/nobody/oauth2/authorize",
      "/dev/__proto__/oauth2.0/me",
      "/dev/toString/oauth2.0/me",
    ]
  ) {
    const response = await fetch(path);
    assert.equal(response.status, 404, path);
    assert.match(await response.text(), /页面不存在/, path);
  }
  app.close();
});
