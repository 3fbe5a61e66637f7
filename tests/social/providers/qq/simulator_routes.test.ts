// The simulator's pages and endpoints through the runtime, with the app's own root middleware.
import assert from "node:assert/strict";
import { createHandler, type Manifest } from "$fresh/server.ts";
import { installApp } from "@/lib/app/app.ts";
import {
  exchangeCode,
  fetchOpenid,
  fetchUserInfo,
} from "@/lib/social/providers/qq/client.ts";
import { qqSettingsFor } from "@/lib/social/providers/qq/provider.ts";
import {
  PRESET_IDENTITIES,
  SIMULATOR_CLIENT_ID,
} from "@/lib/social/providers/qq/simulator.ts";
import * as rootMiddleware from "@/routes/_middleware.ts";
import * as appShell from "@/routes/_app.tsx";
import * as notFound from "@/routes/_404.tsx";
import * as devMiddleware from "@/routes/dev/_middleware.ts";
import * as simulators from "@/routes/dev/[provider]/[...path].ts";
import { testApp } from "@/tests/_app.ts";

const ORIGIN = "http://localhost";
const CALLBACK = `${ORIGIN}/oauth_callback`;
const XIAOMING = PRESET_IDENTITIES[0];

async function simulatorHandler() {
  const manifest = {
    routes: {
      "./routes/_middleware.ts": rootMiddleware,
      "./routes/_app.tsx": appShell,
      "./routes/_404.tsx": notFound,
      "./routes/dev/_middleware.ts": devMiddleware,
      "./routes/dev/[provider]/[...path].ts": simulators,
    },
    islands: {},
    baseUrl: new URL("../../../../fresh.gen.ts", import.meta.url).href,
  } satisfies Manifest;
  const handler = await createHandler(manifest);
  return {
    get: (path: string, init?: RequestInit) =>
      handler(new Request(new URL(path, ORIGIN), init)),
    /** What the app's outbound fetch does here: it reaches the same handler. */
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      handler(new Request(input, init)),
  };
}

function authorizePath(overrides: Record<string, string> = {}) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: SIMULATOR_CLIENT_ID,
    redirect_uri: CALLBACK,
    state: "STATE-1",
    ...overrides,
  });
  return `/dev/qq/oauth2.0/authorize?${query}`;
}

function post(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: ORIGIN,
    },
    body: new URLSearchParams(fields),
  };
}

Deno.test("logging in through the simulator's pages", async (t) => {
  const app = await testApp({ PUBLIC_ORIGIN: ORIGIN });
  installApp(app);
  const { get, fetch } = await simulatorHandler();
  app.fetch = fetch;

  await t.step(
    "the authorize page offers the presets under a strict CSP",
    async () => {
      const response = await get(authorizePath());
      assert.equal(response.status, 200);
      const html = await response.text();
      for (const identity of PRESET_IDENTITIES) {
        assert.ok(html.includes(identity.nickname));
        assert.ok(html.includes(identity.openid));
      }
      assert.doesNotMatch(html, /style=|<script(?! src)/);
      assert.match(html, /<title>QQ登录（开发模拟器）<\/title>/);
      assert.match(
        response.headers.get("content-security-policy") ?? "",
        /script-src 'self' 'nonce-\w+'(;|$)/,
      );
    },
  );

  await t.step(
    "a callback that is not the app's gets QQ's 100010 page",
    async () => {
      const response = await get(
        authorizePath({ redirect_uri: "https://evil.test/oauth_callback" }),
      );
      assert.equal(response.status, 400);
      assert.match(await response.text(), /回调地址不合法（错误码100010）/);
    },
  );

  await t.step(
    "a cross-site post is refused before the simulator",
    async () => {
      const response = await get(authorizePath(), {
        ...post({ ...XIAOMING }),
        headers: { origin: "https://evil.test" },
      });
      assert.equal(response.status, 403);
    },
  );

  await t.step(
    "a bad nickname comes back with the reason and what was typed",
    async () => {
      const response = await get(
        authorizePath(),
        post({ nickname: "", openid: "abc" }),
      );
      assert.equal(response.status, 400);
      const html = await response.text();
      assert.match(html, /请输入1-20个字符的QQ昵称/);
      assert.match(html, /value="abc"/);
    },
  );

  await t.step(
    "picking an identity returns to the app, then the client signs in",
    async () => {
      const response = await get(authorizePath(), post({ ...XIAOMING }));
      assert.equal(response.status, 302);
      const callback = new URL(response.headers.get("location")!);
      assert.equal(callback.origin + callback.pathname, CALLBACK);
      assert.equal(callback.searchParams.get("state"), "STATE-1");

      const settings = qqSettingsFor(app);
      const accessToken = await exchangeCode(
        settings,
        callback.searchParams.get("code")!,
      );
      const { openid } = await fetchOpenid(settings, accessToken);
      const user = await fetchUserInfo(settings, accessToken, openid);
      assert.equal(openid, XIAOMING.openid);
      assert.equal(user.nickname, XIAOMING.nickname);

      const picture = await get(new URL(user.avatarUrl!).pathname);
      assert.equal(picture.status, 200);
      assert.equal(picture.headers.get("content-type"), "image/svg+xml");
      await picture.body?.cancel();
    },
  );

  await t.step("an avatar nobody has is a 404", async () => {
    const response = await get(`/dev/qq/avatar/${"0".repeat(32)}`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });

  app.close();
});

Deno.test("with real QQ credentials nothing under /dev exists", async () => {
  const app = await testApp({
    QQ_CLIENT_ID: "101474184",
    QQ_CLIENT_SECRET: "real-app-key",
  });
  installApp(app);
  const { get } = await simulatorHandler();
  for (
    const [path, init] of [
      [authorizePath(), undefined],
      [authorizePath(), post({ ...XIAOMING })],
      ["/dev/qq/oauth2.0/token?grant_type=authorization_code", undefined],
      ["/dev/qq/oauth2.0/me?access_token=X", undefined],
      ["/dev/qq/user/get_user_info", undefined],
      [`/dev/qq/avatar/${XIAOMING.openid}`, undefined],
      ["/dev/anything", undefined],
    ] as const
  ) {
    const response = await get(path, init);
    assert.equal(response.status, 404, path);
    assert.match(await response.text(), /页面不存在/);
  }
  app.close();
});
