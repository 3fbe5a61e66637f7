import assert from "node:assert/strict";
import {
  authorizeUrl,
  exchangeCode,
  fetchUserInfo,
  WechatError,
  type WechatSettings,
} from "@/lib/social/providers/wechat/client.ts";
import { wechat } from "@/lib/social/providers/wechat/provider.ts";

const SECRET = "WECHAT-APP-SECRET";
const CODE = "CODE-FROM-CALLBACK";
const TOKEN = "ACCESS-TOKEN-0123";
const OPENID = "oQ8Yk5xmI2Jg4pTfZ0a1b2c3d4e5";
const UNIONID = "oU7Ld9wqR3Hh5sVeY1f2g3h4i5j6";

/** A WeChat that answers the token and userinfo calls with these bodies and remembers what was asked. */
function fakeWechat(answers: Record<string, unknown>, status = 200) {
  const asked: URL[] = [];
  const fetch = (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : input);
    asked.push(url);
    const body = answers[url.pathname];
    return Promise.resolve(
      new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
      }),
    );
  };
  return { asked, settings: settingsWith(fetch) };
}

function settingsWith(fetch: typeof globalThis.fetch): WechatSettings {
  return {
    openBase: "https://open.weixin.test",
    apiBase: "https://api.weixin.test",
    appId: "wx0123456789abcdef",
    appSecret: SECRET,
    redirectUri: "https://shop.test/oauth/wechat/callback",
    fetch,
  };
}

const TOKEN_PATH = "/sns/oauth2/access_token";
const USER_PATH = "/sns/userinfo";
const granted = {
  access_token: TOKEN,
  expires_in: 7200,
  refresh_token: "REFRESH",
  openid: OPENID,
  scope: "snsapi_login",
  unionid: UNIONID,
};

async function wechatFailure(promise: Promise<unknown>): Promise<WechatError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WechatError, `expected a WechatError: ${error}`);
    for (const secret of [SECRET, CODE, TOKEN]) {
      assert.ok(!error.message.includes(secret), `message leaks ${secret}`);
    }
    return error;
  }
  assert.fail("expected the WeChat call to fail");
}

Deno.test("the QR-code page's URL is WeChat's, with the app, callback, scope and state", () => {
  const { settings } = fakeWechat({});
  assert.equal(
    authorizeUrl(settings, "st&te"),
    "https://open.weixin.test/connect/qrconnect?appid=wx0123456789abcdef" +
      "&redirect_uri=https%3A%2F%2Fshop.test%2Foauth%2Fwechat%2Fcallback" +
      "&response_type=code&scope=snsapi_login&state=st%26te#wechat_redirect",
  );
});

Deno.test("a code becomes an access token, an openid and a unionid", async (t) => {
  await t.step("asking with the app's id and secret", async () => {
    const { asked, settings } = fakeWechat({ [TOKEN_PATH]: granted });
    assert.deepEqual(await exchangeCode(settings, CODE), {
      accessToken: TOKEN,
      openid: OPENID,
      unionid: UNIONID,
    });
    assert.equal(
      asked[0].origin + asked[0].pathname,
      `https://api.weixin.test${TOKEN_PATH}`,
    );
    assert.deepEqual(Object.fromEntries(asked[0].searchParams), {
      appid: "wx0123456789abcdef",
      secret: SECRET,
      code: CODE,
      grant_type: "authorization_code",
    });
  });

  await t.step("without a unionid when WeChat gives none", async () => {
    const { unionid: _, ...withoutUnionid } = granted;
    const { settings } = fakeWechat({ [TOKEN_PATH]: withoutUnionid });
    assert.deepEqual(await exchangeCode(settings, CODE), {
      accessToken: TOKEN,
      openid: OPENID,
    });
  });

  await t.step("WeChat's refusals come with 200 and an errcode", async () => {
    for (
      const [errcode, message] of [
        [40029, /授权码无效/],
        [40163, /已被使用过/],
        [40125, /AppSecret无效/],
        [-1, /系统繁忙/],
        [99999, /微信接口返回错误（错误码99999）/],
      ] as const
    ) {
      const { settings } = fakeWechat({
        [TOKEN_PATH]: { errcode, errmsg: "invalid code, rid: 1" },
      });
      const error = await wechatFailure(exchangeCode(settings, CODE));
      assert.equal(error.code, errcode);
      assert.match(error.message, message);
    }
  });

  await t.step("an answer that is not WeChat's is bad_response", async () => {
    for (
      const body of [
        "<html>502</html>",
        "[]",
        { errcode: "forty" },
        { access_token: TOKEN },
        { access_token: TOKEN, openid: "<script>" },
        { access_token: "", openid: OPENID },
        { ...granted, unionid: "has space" },
      ]
    ) {
      const { settings } = fakeWechat({ [TOKEN_PATH]: body });
      const error = await wechatFailure(exchangeCode(settings, CODE));
      assert.equal(error.code, "bad_response", JSON.stringify(body));
    }
  });

  await t.step(
    "a non-2xx answer, a redirect included, is bad_status",
    async () => {
      const asked: RequestInit[] = [];
      const fetch = (_: RequestInfo | URL, init?: RequestInit) => {
        asked.push(init ?? {});
        return Promise.resolve(
          new Response(null, {
            status: 302,
            headers: { location: "http://10.0.0.1/" },
          }),
        );
      };
      const error = await wechatFailure(
        exchangeCode(settingsWith(fetch), CODE),
      );
      assert.equal(error.code, "bad_status");
      assert.equal(asked[0].redirect, "manual");
    },
  );

  await t.step("no answer at all is a timeout", async () => {
    const never = () => new Promise<Response>(() => {});
    const error = await wechatFailure(
      exchangeCode({ ...settingsWith(never), timeoutMs: 20 }, CODE),
    );
    assert.equal(error.code, "timeout");
    assert.match(error.message, /微信服务器响应超时/);
  });

  await t.step("a network failure does not quote the URL", async () => {
    const fetch = (input: RequestInfo | URL) =>
      Promise.reject(new TypeError(`error sending request for url (${input})`));
    const error = await wechatFailure(exchangeCode(settingsWith(fetch), CODE));
    assert.equal(error.code, "network");
  });
});

Deno.test("the user's nickname and picture come from /sns/userinfo", async (t) => {
  const grant = { accessToken: TOKEN, openid: OPENID };

  await t.step("for the token's openid", async () => {
    const { asked, settings } = fakeWechat({
      [USER_PATH]: {
        openid: OPENID,
        nickname: "微信小明",
        headimgurl: "https://thirdwx.qlogo.cn/mmopen/abc/132",
        unionid: UNIONID,
      },
    });
    assert.deepEqual(await fetchUserInfo(settings, grant), {
      openid: OPENID,
      nickname: "微信小明",
      headimgurl: "https://thirdwx.qlogo.cn/mmopen/abc/132",
      unionid: UNIONID,
    });
    assert.deepEqual(Object.fromEntries(asked[0].searchParams), {
      access_token: TOKEN,
      openid: OPENID,
    });
  });

  await t.step("an empty picture is no picture", async () => {
    const { settings } = fakeWechat({
      [USER_PATH]: { openid: OPENID, nickname: "x", headimgurl: "" },
    });
    assert.deepEqual(await fetchUserInfo(settings, grant), {
      openid: OPENID,
      nickname: "x",
    });
  });

  await t.step("an answer about someone else is refused", async () => {
    const { settings } = fakeWechat({
      [USER_PATH]: { openid: "oSomeoneElse123", nickname: "x" },
    });
    const error = await wechatFailure(fetchUserInfo(settings, grant));
    assert.equal(error.code, "bad_response");
  });
});

Deno.test("a WeChat identity is keyed by the unionid when there is one, else by the openid, each in its own space", async (t) => {
  const identify = (answers: Record<string, unknown>) =>
    wechat.client({
      clientId: "wx0123456789abcdef",
      clientSecret: SECRET,
      redirectUri: "https://shop.test/oauth/wechat/callback",
      bases: {
        open: "https://open.weixin.test",
        api: "https://api.weixin.test",
      },
      fetch: fakeWechat(answers).settings.fetch,
    }).identify(CODE);
  const user = { openid: OPENID, nickname: "微信小明", headimgurl: "" };

  await t.step("with a unionid", async () => {
    assert.deepEqual(
      await identify({
        [TOKEN_PATH]: granted,
        [USER_PATH]: { ...user, unionid: UNIONID },
      }),
      {
        provider: "wechat",
        uid: `unionid:${UNIONID}`,
        unionid: UNIONID,
        nickname: "微信小明",
        avatar: null,
      },
    );
  });

  await t.step("a unionid only userinfo gives counts too", async () => {
    const { unionid: _, ...withoutUnionid } = granted;
    const identity = await identify({
      [TOKEN_PATH]: withoutUnionid,
      [USER_PATH]: { ...user, unionid: UNIONID },
    });
    assert.equal(identity.uid, `unionid:${UNIONID}`);
  });

  await t.step("without one, the openid", async () => {
    const { unionid: _, ...withoutUnionid } = granted;
    const identity = await identify({
      [TOKEN_PATH]: withoutUnionid,
      [USER_PATH]: user,
    });
    assert.equal(identity.uid, `openid:${OPENID}`);
    assert.equal(identity.unionid, undefined);
  });

  await t.step(
    "userinfo failing still logs in, without a nickname",
    async () => {
      const identity = await identify({
        [TOKEN_PATH]: granted,
        [USER_PATH]: { errcode: 40001, errmsg: "invalid credential" },
      });
      assert.equal(identity.uid, `unionid:${UNIONID}`);
      assert.equal(identity.nickname, null);
    },
  );

  await t.step("two different unionids are refused", async () => {
    const error = await wechatFailure(identify({
      [TOKEN_PATH]: granted,
      [USER_PATH]: { ...user, unionid: "oAnotherUnionid99" },
    }));
    assert.equal(error.code, "bad_response");
  });
});
