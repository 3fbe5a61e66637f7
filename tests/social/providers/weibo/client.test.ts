import assert from "node:assert/strict";
import {
  authorizeUrl,
  checkTokenInfo,
  exchangeCode,
  fetchUser,
  WeiboError,
  type WeiboSettings,
} from "@/lib/social/providers/weibo/client.ts";
import { weibo } from "@/lib/social/providers/weibo/provider.ts";

const SECRET = "WEIBO-APP-SECRET";
const CODE = "CODE-FROM-CALLBACK";
const TOKEN = "2.00ACCESS-TOKEN";
const APP_KEY = "3710000001";
const UID = "1404376560";

interface Asked {
  method: string;
  url: URL;
  body: string;
}

/** A Weibo that answers each path with [status, body] and remembers what was asked. */
function fakeWeibo(answers: Record<string, [number, unknown]>) {
  const asked: Asked[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    asked.push({
      method: init?.method ?? "GET",
      url,
      body: init?.body ? String(init.body) : "",
    });
    const [status, body] = answers[url.pathname] ?? [404, "Not Found"];
    await Promise.resolve();
    return new Response(
      typeof body === "string" ? body : JSON.stringify(body),
      {
        status,
      },
    );
  };
  return { asked, settings: settingsWith(fetch) };
}

function settingsWith(fetch: typeof globalThis.fetch): WeiboSettings {
  return {
    apiBase: "https://api.weibo.test",
    clientId: APP_KEY,
    clientSecret: SECRET,
    redirectUri: "https://shop.test/oauth/weibo/callback",
    fetch,
  };
}

const refused = (code: number, error = "invalid_grant") =>
  [400, {
    error,
    error_code: code,
    request: "/oauth2/access_token",
    error_description: "…",
  }] as [number, unknown];

async function weiboFailure(promise: Promise<unknown>): Promise<WeiboError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WeiboError, `expected a WeiboError: ${error}`);
    for (const secret of [SECRET, CODE, TOKEN]) {
      assert.ok(!error.message.includes(secret), `message leaks ${secret}`);
    }
    return error;
  }
  assert.fail("expected the Weibo call to fail");
}

Deno.test("the authorize URL is Weibo's, with the app, callback and state", () => {
  const { settings } = fakeWeibo({});
  assert.equal(
    authorizeUrl(settings, "st&te"),
    "https://api.weibo.test/oauth2/authorize?client_id=3710000001" +
      "&redirect_uri=https%3A%2F%2Fshop.test%2Foauth%2Fweibo%2Fcallback" +
      "&response_type=code&state=st%26te",
  );
});

Deno.test("a code becomes an access token and a uid, by POST", async (t) => {
  await t.step("the form carries the app's key and secret", async () => {
    const { asked, settings } = fakeWeibo({
      "/oauth2/access_token": [200, {
        access_token: TOKEN,
        expires_in: 157679999,
        remind_in: "157679999",
        uid: UID,
      }],
    });
    assert.deepEqual(await exchangeCode(settings, CODE), {
      accessToken: TOKEN,
      uid: UID,
    });
    assert.equal(asked[0].method, "POST");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(asked[0].body)), {
      client_id: APP_KEY,
      client_secret: SECRET,
      grant_type: "authorization_code",
      code: CODE,
      redirect_uri: "https://shop.test/oauth/weibo/callback",
    });
    assert.equal(asked[0].url.search, "", "secrets travel in the body only");
  });

  await t.step("a uid sent as a number is the same uid", async () => {
    const { settings } = fakeWeibo({
      "/oauth2/access_token": [200, { access_token: TOKEN, uid: Number(UID) }],
    });
    assert.equal((await exchangeCode(settings, CODE)).uid, UID);
  });

  await t.step(
    "Weibo's refusals come with a 4xx and an error_code",
    async () => {
      for (
        const [code, message] of [
          [21325, /授权码无效或已过期/],
          [21324, /App Key或App Secret无效/],
          [21322, /回调地址不匹配/],
          [29999, /微博接口返回错误（错误码29999）/],
        ] as const
      ) {
        const { settings } = fakeWeibo({
          "/oauth2/access_token": refused(code),
        });
        const error = await weiboFailure(exchangeCode(settings, CODE));
        assert.equal(error.code, code);
        assert.match(error.message, message);
      }
    },
  );

  await t.step("a 5xx page that is not Weibo's is bad_status", async () => {
    const { settings } = fakeWeibo({
      "/oauth2/access_token": [503, "<html>busy</html>"],
    });
    assert.equal(
      (await weiboFailure(exchangeCode(settings, CODE))).code,
      "bad_status",
    );
  });

  await t.step("an answer that is not Weibo's is bad_response", async () => {
    for (
      const body of [
        "not json",
        [],
        { access_token: TOKEN },
        { access_token: TOKEN, uid: "12ab" },
        { access_token: TOKEN, uid: -1 },
        { access_token: "", uid: UID },
      ]
    ) {
      const { settings } = fakeWeibo({ "/oauth2/access_token": [200, body] });
      const error = await weiboFailure(exchangeCode(settings, CODE));
      assert.equal(error.code, "bad_response", JSON.stringify(body));
    }
  });

  await t.step("a redirect is never followed", async () => {
    const asked: RequestInit[] = [];
    const fetch = (_: RequestInfo | URL, init?: RequestInit) => {
      asked.push(init ?? {});
      return Promise.resolve(
        new Response(null, {
          status: 307,
          headers: { location: "http://10.0.0.1/" },
        }),
      );
    };
    const error = await weiboFailure(exchangeCode(settingsWith(fetch), CODE));
    assert.equal(error.code, "bad_status");
    assert.equal(asked[0].redirect, "manual");
  });
});

Deno.test("get_token_info proves the token is this app's, for this uid", async (t) => {
  const grant = { accessToken: TOKEN, uid: UID };
  const info = (fields: Record<string, unknown>) =>
    fakeWeibo({
      "/oauth2/get_token_info": [200, {
        uid: Number(UID),
        appkey: APP_KEY,
        scope: null,
        create_at: 1352267591,
        expire_in: 157679471,
        ...fields,
      }],
    });

  await t.step(
    "appkey and uid compared as text, numbers or strings",
    async () => {
      for (const appkey of [APP_KEY, Number(APP_KEY)]) {
        for (const uid of [UID, Number(UID)]) {
          const { asked, settings } = info({ appkey, uid });
          await checkTokenInfo(settings, grant);
          assert.equal(asked[0].method, "POST");
          assert.equal(
            new URLSearchParams(asked[0].body).get("access_token"),
            TOKEN,
          );
        }
      }
    },
  );

  await t.step("a token issued to another app is refused", async () => {
    const { settings } = info({ appkey: "1234567890" });
    const error = await weiboFailure(checkTokenInfo(settings, grant));
    assert.equal(error.code, "client_mismatch");
    assert.match(error.message, /微博返回的应用与本站不符/);
  });

  await t.step("a token of another user is refused", async () => {
    const { settings } = info({ uid: 2803301701 });
    assert.equal(
      (await weiboFailure(checkTokenInfo(settings, grant))).code,
      "bad_response",
    );
  });

  await t.step("an invalid token is Weibo's 21332", async () => {
    const { settings } = fakeWeibo({
      "/oauth2/get_token_info": refused(21332, "invalid_access_token"),
    });
    assert.equal(
      (await weiboFailure(checkTokenInfo(settings, grant))).code,
      21332,
    );
  });
});

Deno.test("users/show gives the screen name of the token's uid", async (t) => {
  const grant = { accessToken: TOKEN, uid: UID };

  await t.step("id as a number, picture kept", async () => {
    const { asked, settings } = fakeWeibo({
      "/2/users/show.json": [200, {
        id: Number(UID),
        screen_name: "微博小明",
        profile_image_url: "https://tvax1.sinaimg.cn/crop.0.0.50.50/x.jpg",
      }],
    });
    assert.deepEqual(await fetchUser(settings, grant), {
      uid: UID,
      screenName: "微博小明",
      profileImageUrl: "https://tvax1.sinaimg.cn/crop.0.0.50.50/x.jpg",
    });
    assert.deepEqual(Object.fromEntries(asked[0].url.searchParams), {
      access_token: TOKEN,
      uid: UID,
    });
  });

  await t.step("someone else's profile is refused", async () => {
    const { settings } = fakeWeibo({
      "/2/users/show.json": [200, { id: "2803301701", screen_name: "x" }],
    });
    assert.equal(
      (await weiboFailure(fetchUser(settings, grant))).code,
      "bad_response",
    );
  });
});

Deno.test("a Weibo identity is its uid, and get_token_info must pass first", async (t) => {
  const identify = (answers: Record<string, [number, unknown]>) =>
    weibo.client({
      clientId: APP_KEY,
      clientSecret: SECRET,
      redirectUri: "https://shop.test/oauth/weibo/callback",
      bases: { api: "https://api.weibo.test" },
      fetch: fakeWeibo(answers).settings.fetch,
    }).identify(CODE);
  const token: [number, unknown] = [200, { access_token: TOKEN, uid: UID }];

  await t.step("all three answers good", async () => {
    assert.deepEqual(
      await identify({
        "/oauth2/access_token": token,
        "/oauth2/get_token_info": [200, { uid: UID, appkey: Number(APP_KEY) }],
        "/2/users/show.json": [200, { id: UID, screen_name: "微博小明" }],
      }),
      { provider: "weibo", uid: UID, nickname: "微博小明", avatar: null },
    );
  });

  await t.step("another app's token logs nobody in", async () => {
    const error = await weiboFailure(identify({
      "/oauth2/access_token": token,
      "/oauth2/get_token_info": [200, { uid: UID, appkey: "999" }],
      "/2/users/show.json": [200, { id: UID, screen_name: "x" }],
    }));
    assert.equal(error.code, "client_mismatch");
  });

  await t.step(
    "users/show failing still logs in, without a nickname",
    async () => {
      const identity = await identify({
        "/oauth2/access_token": token,
        "/oauth2/get_token_info": [200, { uid: UID, appkey: APP_KEY }],
        "/2/users/show.json": refused(21332, "invalid_access_token"),
      });
      assert.equal(identity.uid, UID);
      assert.equal(identity.nickname, null);
    },
  );
});
