import assert from "node:assert/strict";
import { readConfig } from "@/lib/app/app.ts";
import {
  authorizeUrl,
  exchangeCode,
  fetchOpenid,
  fetchUserInfo,
  QqError,
  qqErrorMessage,
  type QqSettings,
} from "@/lib/social/providers/qq/client.ts";
import { qqSettingsFor } from "@/lib/social/providers/qq/provider.ts";
import {
  SIMULATOR_CLIENT_ID,
  SIMULATOR_CLIENT_SECRET,
} from "@/lib/social/providers/qq/simulator.ts";
import { manualTimers } from "@/tests/_timers.ts";

const SECRET = "TOP-SECRET-APP-KEY";
const CODE = "CODE-FROM-CALLBACK";
const TOKEN = "ACCESS-TOKEN-0123";
const OPENID = "9A6B2C1D3E4F5A6B7C8D9E0F1A2B3C4D";

/** A QQ that answers every request with `body` and remembers what was asked. */
function fakeQq(body: string, status = 200) {
  const asked: URL[] = [];
  const fetch = (input: RequestInfo | URL) => {
    asked.push(new URL(input instanceof Request ? input.url : input));
    return Promise.resolve(new Response(body, { status }));
  };
  return { asked, settings: settingsWith(fetch) };
}

function settingsWith(
  fetch: QqSettings["fetch"],
  timeoutMs?: number,
): QqSettings {
  return {
    apiBase: "https://graph.qq.test",
    clientId: "101474184",
    clientSecret: SECRET,
    redirectUri: "https://shop.test/oauth_callback",
    fetch,
    timeoutMs,
  };
}

async function qqFailure(promise: Promise<unknown>): Promise<QqError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof QqError, `expected a QqError, got ${error}`);
    for (const secret of [SECRET, CODE, TOKEN]) {
      assert.ok(!error.message.includes(secret), `message leaks ${secret}`);
      assert.ok(!String(error.stack).includes(secret), `stack leaks ${secret}`);
    }
    assert.equal(error.cause, undefined);
    return error;
  }
  assert.fail("expected the QQ call to fail");
}

Deno.test("the client finds QQ, or the simulator in development", async (t) => {
  await t.step("with no QQ credentials the simulator is used", () => {
    const config = readConfig({});
    const settings = qqSettingsFor({
      config,
      fetch,
      origin: () => "http://localhost:8000",
    });
    assert.equal(settings.apiBase, "http://localhost:8000/dev/qq");
    assert.equal(settings.clientId, SIMULATOR_CLIENT_ID);
    assert.equal(settings.clientSecret, SIMULATOR_CLIENT_SECRET);
    assert.equal(settings.redirectUri, "http://localhost:8000/oauth_callback");
  });

  await t.step(
    "with credentials it is graph.qq.com and the app's own keys",
    () => {
      const config = readConfig({
        QQ_CLIENT_ID: "101474184",
        QQ_CLIENT_SECRET: SECRET,
      });
      const settings = qqSettingsFor({
        config,
        fetch,
        origin: () => "https://shop.test",
      });
      assert.equal(settings.apiBase, "https://graph.qq.com");
      assert.equal(settings.clientId, "101474184");
      assert.equal(settings.clientSecret, SECRET);
      assert.equal(settings.redirectUri, "https://shop.test/oauth_callback");
    },
  );

  await t.step("QQ_API_BASE and QQ_REDIRECT_URI win over the defaults", () => {
    const config = readConfig({
      QQ_CLIENT_ID: "101474184",
      QQ_CLIENT_SECRET: SECRET,
      QQ_API_BASE: "https://qq-proxy.test/base/",
      QQ_REDIRECT_URI: "https://www.shop.test/oauth_callback",
    });
    const settings = qqSettingsFor({
      config,
      fetch,
      origin: () => "https://shop.test",
    });
    assert.equal(settings.apiBase, "https://qq-proxy.test/base");
    assert.equal(settings.redirectUri, "https://www.shop.test/oauth_callback");
  });
});

Deno.test("the authorize URL carries the app, the callback and the state", () => {
  const { settings } = fakeQq("");
  assert.equal(
    authorizeUrl(settings, "st&te 1"),
    "https://graph.qq.test/oauth2.0/authorize?response_type=code&client_id=101474184" +
      "&redirect_uri=https%3A%2F%2Fshop.test%2Foauth_callback&state=st%26te+1",
  );
});

Deno.test("a code becomes an access token", async (t) => {
  await t.step("from QQ's default urlencoded answer", async () => {
    const { asked, settings } = fakeQq(
      `access_token=${TOKEN}&expires_in=7776000&refresh_token=REFRESH`,
    );
    assert.equal(await exchangeCode(settings, CODE), TOKEN);
    assert.equal(asked[0].pathname, "/oauth2.0/token");
    assert.deepEqual(Object.fromEntries(asked[0].searchParams), {
      grant_type: "authorization_code",
      client_id: "101474184",
      client_secret: SECRET,
      code: CODE,
      redirect_uri: "https://shop.test/oauth_callback",
      fmt: "json",
    });
  });

  await t.step("from a JSON answer", async () => {
    const { settings } = fakeQq(
      ` {"access_token":"${TOKEN}","expires_in":"7776000","refresh_token":"R"}\n`,
    );
    assert.equal(await exchangeCode(settings, CODE), TOKEN);
  });

  await t.step(
    "QQ's refusal is a QqError in every form it comes in",
    async () => {
      const refusals: [string, number][] = [
        [
          `callback( {"error":100019,"error_description":"code to access token error"} );`,
          100019,
        ],
        [
          `callback({"error":100020,"error_description":"code is reused error"});\n`,
          100020,
        ],
        [`\n  callback (\n{ "error" : "100009" }\n)  ;  \n`, 100009],
        [`callback( {"error":100010} )`, 100010],
        [`{"error":100020,"error_description":"code is reused error"}`, 100020],
        [`error=100019&error_description=code+to+access+token+error`, 100019],
      ];
      for (const [body, code] of refusals) {
        const error = await qqFailure(
          exchangeCode(fakeQq(body).settings, CODE),
        );
        assert.equal(error.code, code, body);
        assert.equal(error.message, qqErrorMessage(code));
      }
    },
  );

  await t.step("code reused reads as such, in Chinese", async () => {
    const error = await qqFailure(
      exchangeCode(fakeQq(`callback( {"error":100020} );`).settings, CODE),
    );
    assert.match(error.message, /code已被使用过/);
    assert.match(error.message, /100020/);
  });

  await t.step("an answer that is not QQ's is bad_response", async () => {
    const junk = [
      "",
      "   ",
      "<html><body>502 Bad Gateway</body></html>",
      "callback( not json );",
      "callback( [1,2] );",
      "[]",
      "null",
      "{",
      '{"expires_in":7776000}',
      '{"access_token":""}',
      '{"access_token":12345}',
      "expires_in=7776000",
      "access_token=",
      '{"error":{"nested":true}}',
      "error=not-a-number",
    ];
    for (const body of junk) {
      const error = await qqFailure(exchangeCode(fakeQq(body).settings, CODE));
      assert.equal(error.code, "bad_response", JSON.stringify(body));
    }
  });

  await t.step("a non-2xx answer is bad_status", async () => {
    for (const status of [301, 404, 500, 503]) {
      const body = status === 301 ? null : "oops";
      const fetch = () => Promise.resolve(new Response(body, { status }));
      const error = await qqFailure(exchangeCode(settingsWith(fetch), CODE));
      assert.equal(error.code, "bad_status");
    }
  });

  await t.step("a redirect is never followed", async () => {
    const asked: RequestInit[] = [];
    const fetch = (_: RequestInfo | URL, init?: RequestInit) => {
      asked.push(init ?? {});
      return Promise.resolve(
        new Response(null, {
          status: 302,
          headers: { location: "http://169.254.169.254/latest/meta-data/" },
        }),
      );
    };
    const error = await qqFailure(exchangeCode(settingsWith(fetch), CODE));
    assert.equal(error.code, "bad_status");
    assert.equal(asked.length, 1);
    assert.equal(asked[0].redirect, "manual");
  });

  await t.step(
    "a network failure is a QqError that does not quote the URL",
    async () => {
      // Deno's fetch errors quote the URL, which holds the secret and the code.
      const fetch = (input: RequestInfo | URL) =>
        Promise.reject(
          new TypeError(`error sending request for url (${input})`),
        );
      const error = await qqFailure(exchangeCode(settingsWith(fetch), CODE));
      assert.equal(error.code, "network");
      assert.match(error.message, /无法连接QQ服务器/);
    },
  );

  await t.step(
    "a fetch that throws at once is a network failure too",
    async () => {
      const fetch = (input: RequestInfo | URL): Promise<Response> => {
        throw new TypeError(`bad url ${input}`);
      };
      const error = await qqFailure(exchangeCode(settingsWith(fetch), CODE));
      assert.equal(error.code, "network");
    },
  );
});

Deno.test("QQ taking too long is a timeout", async (t) => {
  await t.step("even when the fetch ignores the abort signal", async () => {
    const never = () => new Promise<Response>(() => {});
    const error = await qqFailure(
      exchangeCode(settingsWith(never, 20), CODE),
    );
    assert.equal(error.code, "timeout");
    assert.match(error.message, /超时/);
  });

  await t.step("when the fetch honours the signal", async () => {
    let signalled: AbortSignal | undefined;
    const listening = (_: RequestInfo | URL, init?: RequestInit) => {
      signalled = init?.signal ?? undefined;
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener(
          "abort",
          () => reject(init.signal?.reason),
        );
      });
    };
    const error = await qqFailure(
      fetchOpenid(settingsWith(listening, 20), TOKEN),
    );
    assert.equal(error.code, "timeout");
    assert.ok(signalled?.aborted, "the request itself was aborted");
  });

  await t.step(
    "an answered call's time limit ends with it: nothing aborts later",
    async () => {
      let signalled: AbortSignal | undefined;
      const answering = (_: RequestInfo | URL, init?: RequestInit) => {
        signalled = init?.signal ?? undefined;
        return Promise.resolve(
          new Response(`{"client_id":"101474184","openid":"${OPENID}"}`),
        );
      };
      const timers = manualTimers();
      assert.deepEqual(
        await fetchOpenid({ ...settingsWith(answering, 20), timers }, TOKEN),
        { openid: OPENID },
      );
      assert.equal(timers.pending(), 0, "the time limit outlived the call");
      timers.advance(60);
      assert.equal(signalled?.aborted, false);
    },
  );

  await t.step("when the answer's body stalls", async () => {
    const stalled = (_: RequestInfo | URL, init?: RequestInit) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("access_token="));
          init?.signal?.addEventListener(
            "abort",
            () => controller.error(init.signal?.reason),
          );
        },
      });
      return Promise.resolve(new Response(body));
    };
    const error = await qqFailure(
      exchangeCode(settingsWith(stalled, 20), CODE),
    );
    assert.equal(error.code, "timeout");
  });
});

Deno.test("an access token leads to the QQ user's openid", async (t) => {
  await t.step("from QQ's default JSONP answer", async () => {
    const { asked, settings } = fakeQq(
      `callback( {"client_id":"101474184","openid":"${OPENID}"} );\n`,
    );
    assert.deepEqual(await fetchOpenid(settings, TOKEN), { openid: OPENID });
    assert.equal(asked[0].pathname, "/oauth2.0/me");
    assert.equal(asked[0].searchParams.get("access_token"), TOKEN);
  });

  await t.step("from a JSON answer, client_id as a number", async () => {
    const { settings } = fakeQq(`{"client_id":101474184,"openid":"${OPENID}"}`);
    assert.deepEqual(await fetchOpenid(settings, TOKEN), { openid: OPENID });
  });

  await t.step(
    "asks for the unionid, and keeps it when QQ gives one",
    async () => {
      const { asked, settings } = fakeQq(
        `{"client_id":"101474184","openid":"${OPENID}","unionid":"UID_ABC123"}`,
      );
      assert.deepEqual(await fetchOpenid(settings, TOKEN), {
        openid: OPENID,
        unionid: "UID_ABC123",
      });
      assert.equal(asked[0].searchParams.get("unionid"), "1");
      const odd = fakeQq(
        `{"client_id":"101474184","openid":"${OPENID}","unionid":"<b>"}`,
      );
      assert.deepEqual(await fetchOpenid(odd.settings, TOKEN), {
        openid: OPENID,
      });
    },
  );

  await t.step("a token issued to another app is refused", async () => {
    const { settings } = fakeQq(
      `callback( {"client_id":"100000999","openid":"${OPENID}"} );`,
    );
    const error = await qqFailure(fetchOpenid(settings, TOKEN));
    assert.equal(error.code, "client_mismatch");
    assert.match(error.message, /应用ID与本站不符/);
  });

  await t.step("a bad token is QQ's 100016", async () => {
    const { settings } = fakeQq(
      `callback( {"error":100016,"error_description":"access token check failed"} );`,
    );
    const error = await qqFailure(fetchOpenid(settings, TOKEN));
    assert.equal(error.code, 100016);
    assert.match(error.message, /access token验证失败/);
  });

  await t.step(
    "a missing client_id or a strange openid is bad_response",
    async () => {
      for (
        const body of [
          `callback( {"openid":"${OPENID}"} );`,
          `callback( {"client_id":"101474184"} );`,
          `callback( {"client_id":"101474184","openid":"<script>"} );`,
          `callback( {"client_id":"101474184","openid":""} );`,
        ]
      ) {
        const error = await qqFailure(
          fetchOpenid(fakeQq(body).settings, TOKEN),
        );
        assert.equal(error.code, "bad_response", body);
      }
    },
  );
});

Deno.test("the QQ user's nickname and avatar", async (t) => {
  await t.step("come from get_user_info", async () => {
    const { asked, settings } = fakeQq(JSON.stringify({
      ret: 0,
      msg: "",
      nickname: "小明",
      figureurl_qq_1: "http://thirdqq.qlogo.cn/40",
      figureurl_qq_2: "http://thirdqq.qlogo.cn/100",
    }));
    assert.deepEqual(await fetchUserInfo(settings, TOKEN, OPENID), {
      nickname: "小明",
      avatarUrl: "http://thirdqq.qlogo.cn/100",
    });
    assert.equal(asked[0].pathname, "/user/get_user_info");
    assert.deepEqual(Object.fromEntries(asked[0].searchParams), {
      access_token: TOKEN,
      oauth_consumer_key: "101474184",
      openid: OPENID,
    });
  });

  await t.step(
    "the small avatar stands in when the large one is empty",
    async () => {
      const { settings } = fakeQq(
        '{"ret":"0","nickname":"小红","figureurl_qq_1":"https://q.test/40","figureurl_qq_2":""}',
      );
      assert.deepEqual(await fetchUserInfo(settings, TOKEN, OPENID), {
        nickname: "小红",
        avatarUrl: "https://q.test/40",
      });
    },
  );

  await t.step("no avatar at all is fine", async () => {
    const { settings } = fakeQq(
      '{"ret":0,"nickname":"张三","figureurl_qq_1":"javascript:alert(1)"}',
    );
    assert.deepEqual(await fetchUserInfo(settings, TOKEN, OPENID), {
      nickname: "张三",
    });
  });

  await t.step("a non-zero ret is QQ's error", async () => {
    const { settings } = fakeQq('{"ret":1002,"msg":"请先登录"}');
    const error = await qqFailure(fetchUserInfo(settings, TOKEN, OPENID));
    assert.equal(error.code, 1002);
    assert.match(error.message, /QQ登录状态已失效/);
    const negative = await qqFailure(
      fetchUserInfo(
        fakeQq('{"ret":-1,"msg":"invalid openid"}').settings,
        TOKEN,
        OPENID,
      ),
    );
    assert.equal(negative.code, -1);
  });

  await t.step("no nickname is bad_response", async () => {
    const { settings } = fakeQq('{"ret":0,"msg":""}');
    const error = await qqFailure(fetchUserInfo(settings, TOKEN, OPENID));
    assert.equal(error.code, "bad_response");
  });
});

Deno.test("every QQ error code has its own Chinese message", async (t) => {
  await t.step("QQ's OAuth codes 100000–100031", () => {
    const fallback = qqErrorMessage(999999).replace("999999", "");
    for (let code = 100000; code <= 100031; code++) {
      const message = qqErrorMessage(code);
      assert.notEqual(message.replace(String(code), ""), fallback, `${code}`);
      assert.ok(message.endsWith(`（错误码${code}）`), message);
    }
  });

  await t.step("the ones people meet, worded as the shop would", () => {
    assert.equal(qqErrorMessage(100013), "access token非法（错误码100013）");
    assert.match(qqErrorMessage(100014), /过期/);
    assert.match(qqErrorMessage(100015), /废除/);
    assert.match(qqErrorMessage(100016), /验证失败/);
    assert.match(qqErrorMessage(100019), /用code换取access token失败/);
    assert.match(qqErrorMessage(100020), /重复|已被使用/);
  });

  await t.step("unknown codes still say which", () => {
    assert.equal(qqErrorMessage(123), "QQ接口返回错误（错误码123）");
    assert.equal(qqErrorMessage("toString"), "QQ接口返回错误（toString）");
  });

  await t.step("trouble on the way to QQ", () => {
    assert.match(qqErrorMessage("timeout"), /超时/);
    assert.match(qqErrorMessage("network"), /无法连接/);
    assert.match(qqErrorMessage("bad_status"), /暂时不可用/);
    assert.match(qqErrorMessage("bad_response"), /无法识别/);
    assert.equal(new QqError("timeout").name, "QqError");
  });
});
