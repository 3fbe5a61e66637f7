import assert from "node:assert/strict";
import { readConfig } from "@/lib/app/app.ts";
import {
  authorizeUrl,
  exchangeCode,
  fetchOpenid,
  fetchUserInfo,
  QqError,
} from "@/lib/social/providers/qq/client.ts";
import { qqSettingsFor } from "@/lib/social/providers/qq/provider.ts";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  answerAvatarRequest,
  answerMeRequest,
  answerTokenRequest,
  answerUserInfoRequest,
  type AuthorizeRequest,
  avatarKeyOf,
  CODE_TTL_MS,
  grantCode,
  knownIdentities,
  PRESET_IDENTITIES,
  QqRefusal,
  readAuthorizeRequest,
  readIdentity,
  redeemCode,
  type Simulator,
  SIMULATOR_CLIENT_ID,
  SIMULATOR_CLIENT_SECRET,
  tokenOwner,
  unionidOf,
  userInfo,
} from "@/lib/social/providers/qq/simulator.ts";

const ORIGIN = "http://shop.test";
const CALLBACK = `${ORIGIN}/oauth_callback`;
const XIAOMING = PRESET_IDENTITIES[0];

/** A simulator on an in-memory KV, with a clock the test moves by hand. */
async function openSimulator() {
  const kv = await Deno.openKv(":memory:");
  const clock = { now: 1_700_000_000_000 };
  const sim: Simulator = { kv, now: () => clock.now, origin: () => ORIGIN };
  return { sim, clock, [Symbol.dispose]: () => kv.close() };
}

const authorized: AuthorizeRequest = {
  clientId: SIMULATOR_CLIENT_ID,
  redirectUri: CALLBACK,
  state: "STATE",
};

function tokenQuery(code: string, overrides: Record<string, string> = {}) {
  return new URLSearchParams({
    grant_type: "authorization_code",
    client_id: SIMULATOR_CLIENT_ID,
    client_secret: SIMULATOR_CLIENT_SECRET,
    code,
    redirect_uri: CALLBACK,
    ...overrides,
  });
}

async function codeFor(sim: Simulator, request = authorized) {
  const callback = new URL(await grantCode(sim, request, XIAOMING));
  return callback.searchParams.get("code")!;
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof QqRefusal, `expected a QqRefusal, got ${error}`);
    return error.code;
  }
  assert.fail("expected QQ to refuse");
}

/** A fetch that reaches the simulator's endpoints directly, as the app does over HTTP. */
function simulatorFetch(sim: Simulator): typeof fetch {
  const endpoints: Record<
    string,
    (sim: Simulator, url: URL) => Promise<Response>
  > = {
    "/dev/qq/oauth2.0/token": answerTokenRequest,
    "/dev/qq/oauth2.0/me": answerMeRequest,
    "/dev/qq/user/get_user_info": answerUserInfoRequest,
  };
  return (input) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const endpoint = endpoints[url.pathname];
    return endpoint
      ? endpoint(sim, url)
      : Promise.resolve(new Response("Not Found", { status: 404 }));
  };
}

Deno.test("the authorize page checks the app and its callback as QQ does", async (t) => {
  const query = (overrides: Record<string, string | null>) => {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: SIMULATOR_CLIENT_ID,
      redirect_uri: CALLBACK,
      state: "STATE",
    });
    for (const [name, value] of Object.entries(overrides)) {
      if (value === null) params.delete(name);
      else params.set(name, value);
    }
    return params;
  };
  const check = (overrides: Record<string, string | null>) => {
    try {
      readAuthorizeRequest(query(overrides), CALLBACK);
    } catch (error) {
      assert.ok(error instanceof QqRefusal);
      return error.code;
    }
    return 0;
  };

  await t.step("the app's own request passes", () => {
    assert.deepEqual(readAuthorizeRequest(query({}), CALLBACK), authorized);
    assert.equal(
      readAuthorizeRequest(query({ state: null }), CALLBACK).state,
      null,
    );
  });

  await t.step("a wrong response_type is 100000", () => {
    assert.equal(check({ response_type: "token" }), 100000);
    assert.equal(check({ response_type: null }), 100000);
  });

  await t.step("a missing or unknown client_id is 100001 / 100008", () => {
    assert.equal(check({ client_id: null }), 100001);
    assert.equal(check({ client_id: "100000999" }), 100008);
  });

  await t.step("a callback other than the registered one is 100010", () => {
    assert.equal(
      check({ redirect_uri: "https://evil.test/oauth_callback" }),
      100010,
    );
    assert.equal(check({ redirect_uri: `${CALLBACK}?x=1` }), 100010);
    assert.equal(check({ redirect_uri: null }), 100010);
  });
});

Deno.test("picking a QQ identity on the authorize page", async (t) => {
  await t.step("a preset is taken as it is", () => {
    assert.deepEqual(readIdentity({ ...XIAOMING }), { identity: XIAOMING });
  });

  await t.step("a typed nickname gets a QQ-like openid", () => {
    const chosen = readIdentity({ nickname: "  测试用户 ", openid: "" });
    assert.ok("identity" in chosen);
    assert.equal(chosen.identity.nickname, "测试用户");
    assert.match(chosen.identity.openid, /^[0-9A-F]{32}$/);
  });

  await t.step("an entered openid is kept, in upper case", () => {
    const openid = "abcdef0123456789abcdef0123456789";
    assert.deepEqual(readIdentity({ nickname: "小李", openid }), {
      identity: { nickname: "小李", openid: openid.toUpperCase() },
    });
  });

  await t.step("a bad nickname or openid is said so", () => {
    for (
      const form of [
        {},
        { nickname: "   " },
        { nickname: "长".repeat(21) },
        { nickname: "小李", openid: "123" },
        { nickname: "小李", openid: "G".repeat(32) },
      ]
    ) {
      const chosen = readIdentity(form);
      assert.ok("problem" in chosen, JSON.stringify(form));
      assert.match(chosen.problem, /昵称|openid/);
    }
  });
});

Deno.test("an authorization code", async (t) => {
  using simulator = await openSimulator();
  const { sim, clock } = simulator;

  await t.step("comes back on the callback with the state", async () => {
    const callback = new URL(await grantCode(sim, authorized, XIAOMING));
    assert.equal(callback.origin + callback.pathname, CALLBACK);
    assert.match(callback.searchParams.get("code")!, /^[0-9A-F]{32}$/);
    assert.equal(callback.searchParams.get("state"), "STATE");
  });

  await t.step(
    "keeps what the callback already had, and no state if none was sent",
    async () => {
      const callback = new URL(
        await grantCode(
          sim,
          { ...authorized, redirectUri: `${CALLBACK}?shop=1`, state: null },
          XIAOMING,
        ),
      );
      assert.equal(callback.searchParams.get("shop"), "1");
      assert.equal(callback.searchParams.has("state"), false);
    },
  );

  await t.step("buys one access token, once", async () => {
    const code = await codeFor(sim);
    const token = await redeemCode(sim, tokenQuery(code));
    assert.match(token, /^[0-9A-F]{32}$/);
    assert.deepEqual(await tokenOwner(sim, token), {
      clientId: SIMULATOR_CLIENT_ID,
      openid: XIAOMING.openid,
    });
    assert.equal(await refusal(redeemCode(sim, tokenQuery(code))), 100020);
  });

  await t.step("used by two requests at once serves only one", async () => {
    const code = await codeFor(sim);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => redeemCode(sim, tokenQuery(code))),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const result of results) {
      if (result.status === "rejected") {
        assert.equal((result.reason as QqRefusal).code, 100020);
      }
    }
  });

  await t.step("lasts ten minutes", async () => {
    const code = await codeFor(sim);
    const fresh = await codeFor(sim);
    clock.now += CODE_TTL_MS - 1;
    assert.match(await redeemCode(sim, tokenQuery(fresh)), /^[0-9A-F]{32}$/);
    clock.now += 1;
    assert.equal(await refusal(redeemCode(sim, tokenQuery(code))), 100019);
  });

  await t.step("is bound to the callback it was issued for", async () => {
    const code = await codeFor(sim);
    const elsewhere = tokenQuery(code, { redirect_uri: `${ORIGIN}/elsewhere` });
    assert.equal(await refusal(redeemCode(sim, elsewhere)), 100010);
    // The refusal did not spend it.
    assert.match(await redeemCode(sim, tokenQuery(code)), /^[0-9A-F]{32}$/);
  });

  await t.step("is bound to the app it was issued for", async () => {
    const code = await codeFor(sim, { ...authorized, clientId: "100000999" });
    assert.equal(await refusal(redeemCode(sim, tokenQuery(code))), 100019);
  });

  await t.step("needs the app's id and key and the right grant", async () => {
    const code = await codeFor(sim);
    const cases: [Record<string, string>, number][] = [
      [{ grant_type: "refresh_token" }, 100004],
      [{ client_id: "" }, 100001],
      [{ client_id: "100000999" }, 100008],
      [{ client_secret: "" }, 100002],
      [{ client_secret: "guess" }, 100009],
      [{ code: "" }, 100005],
      [{ redirect_uri: "" }, 100010],
      [{ code: "F".repeat(32) }, 100019],
      [{ code: "x".repeat(5000) }, 100019], // longer than a KV key may be
    ];
    for (const [overrides, code_] of cases) {
      const query = tokenQuery(code, overrides);
      assert.equal(
        await refusal(redeemCode(sim, query)),
        code_,
        JSON.stringify(overrides),
      );
    }
    assert.match(await redeemCode(sim, tokenQuery(code)), /^[0-9A-F]{32}$/);
  });
});

Deno.test("an access token", async (t) => {
  using simulator = await openSimulator();
  const { sim, clock } = simulator;
  const token = await redeemCode(sim, tokenQuery(await codeFor(sim)));

  await t.step(
    "missing, malformed or unknown is 100007 / 100013 / 100016",
    async () => {
      assert.equal(await refusal(tokenOwner(sim, null)), 100007);
      assert.equal(await refusal(tokenOwner(sim, "not a token")), 100013);
      assert.equal(await refusal(tokenOwner(sim, "A".repeat(32))), 100016);
      assert.equal(await refusal(tokenOwner(sim, "A".repeat(5000))), 100013);
    },
  );

  await t.step(
    "gets the user's info only with its app and openid",
    async () => {
      const query = (overrides: Record<string, string>) =>
        new URLSearchParams({
          access_token: token,
          oauth_consumer_key: SIMULATOR_CLIENT_ID,
          openid: XIAOMING.openid,
          ...overrides,
        });
      assert.deepEqual(await userInfo(sim, query({})), XIAOMING);
      assert.equal(
        await refusal(userInfo(sim, query({ oauth_consumer_key: "1" }))),
        -1,
      );
      assert.equal(
        await refusal(userInfo(sim, query({ openid: "B".repeat(32) }))),
        -1,
      );
      assert.equal(
        await refusal(userInfo(sim, query({ access_token: "" }))),
        100007,
      );
    },
  );

  await t.step("expires after QQ's 90 days", async () => {
    clock.now += ACCESS_TOKEN_TTL_SECONDS * 1000;
    assert.equal(await refusal(tokenOwner(sim, token)), 100014);
  });
});

Deno.test("the simulator answers in QQ's own formats", async (t) => {
  using simulator = await openSimulator();
  const { sim } = simulator;
  const endpoint = (
    path: string,
    query: URLSearchParams | Record<string, string>,
  ) => new URL(`${ORIGIN}/dev/qq${path}?${new URLSearchParams(query)}`);

  await t.step("token: urlencoded by default", async () => {
    const response = await answerTokenRequest(
      sim,
      endpoint("/oauth2.0/token", tokenQuery(await codeFor(sim))),
    );
    assert.equal(response.status, 200);
    assert.match(
      await response.text(),
      /^access_token=[0-9A-F]{32}&expires_in=7776000&refresh_token=[0-9A-F]{32}$/,
    );
  });

  await t.step("token: JSON with fmt=json", async () => {
    const query = tokenQuery(await codeFor(sim), { fmt: "json" });
    const response = await answerTokenRequest(
      sim,
      endpoint("/oauth2.0/token", query),
    );
    const body = await response.json();
    assert.match(body.access_token, /^[0-9A-F]{32}$/);
    assert.equal(body.expires_in, "7776000");
  });

  await t.step(
    "token refusals: JSONP by default, JSON with fmt=json",
    async () => {
      const code = await codeFor(sim);
      await redeemCode(sim, tokenQuery(code));
      const jsonp = await answerTokenRequest(
        sim,
        endpoint("/oauth2.0/token", tokenQuery(code)),
      );
      assert.equal(jsonp.status, 200);
      assert.equal(
        await jsonp.text(),
        'callback( {"error":100020,"error_description":"code is reused error"} );\n',
      );
      const json = await answerTokenRequest(
        sim,
        endpoint("/oauth2.0/token", tokenQuery(code, { fmt: "json" })),
      );
      assert.deepEqual(await json.json(), {
        error: 100020,
        error_description: "code is reused error",
      });
    },
  );

  await t.step(
    "me: JSONP by default, JSON with fmt=json, refusals likewise",
    async () => {
      const token = await redeemCode(sim, tokenQuery(await codeFor(sim)));
      const jsonp = await answerMeRequest(
        sim,
        endpoint("/oauth2.0/me", { access_token: token }),
      );
      assert.equal(
        await jsonp.text(),
        `callback( {"client_id":"${SIMULATOR_CLIENT_ID}","openid":"${XIAOMING.openid}"} );\n`,
      );
      const json = await answerMeRequest(
        sim,
        endpoint("/oauth2.0/me", { access_token: token, fmt: "json" }),
      );
      assert.deepEqual(await json.json(), {
        client_id: SIMULATOR_CLIENT_ID,
        openid: XIAOMING.openid,
      });
      const refused = await answerMeRequest(
        sim,
        endpoint("/oauth2.0/me", { access_token: "A".repeat(32) }),
      );
      assert.match(await refused.text(), /^callback\( \{"error":100016,/);
    },
  );

  await t.step(
    "get_user_info: JSON with ret, and an avatar that is served",
    async () => {
      const token = await redeemCode(sim, tokenQuery(await codeFor(sim)));
      const response = await answerUserInfoRequest(
        sim,
        endpoint("/user/get_user_info", {
          access_token: token,
          oauth_consumer_key: SIMULATOR_CLIENT_ID,
          openid: XIAOMING.openid,
        }),
      );
      const body = await response.json();
      assert.equal(body.ret, 0);
      assert.equal(body.nickname, XIAOMING.nickname);
      assert.equal(
        body.figureurl_qq_1,
        `${ORIGIN}/dev/qq/avatar/${avatarKeyOf(XIAOMING.openid)}`,
      );
      assert.ok(!body.figureurl_qq_1.includes(XIAOMING.openid));
      const avatar = await answerAvatarRequest(
        sim,
        avatarKeyOf(XIAOMING.openid),
      );
      assert.equal(avatar?.headers.get("content-type"), "image/svg+xml");
      assert.match(await avatar!.text(), /^<svg [^]*>小<\/text><\/svg>$/);
      assert.equal(await answerAvatarRequest(sim, "c".repeat(32)), null);
      assert.equal(await answerAvatarRequest(sim, XIAOMING.openid), null);
      assert.equal(await answerAvatarRequest(sim, "C".repeat(5000)), null);
    },
  );

  await t.step("get_user_info refusals: ret and msg", async () => {
    const response = await answerUserInfoRequest(
      sim,
      endpoint("/user/get_user_info", { access_token: "bad" }),
    );
    assert.deepEqual(await response.json(), {
      ret: 100013,
      msg: "access token is illegal",
    });
  });

  await t.step("a nickname is never served as HTML", async () => {
    const code = new URL(
      await grantCode(sim, authorized, {
        openid: "D".repeat(32),
        nickname: "<script>alert(1)</script>",
      }),
    ).searchParams.get("code")!;
    const token = await redeemCode(sim, tokenQuery(code));
    const response = await answerUserInfoRequest(
      sim,
      endpoint("/user/get_user_info", {
        access_token: token,
        oauth_consumer_key: SIMULATOR_CLIENT_ID,
        openid: "D".repeat(32),
      }),
    );
    assert.equal(response.headers.get("content-type"), "application/json");
    const avatar = await answerAvatarRequest(
      sim,
      avatarKeyOf("D".repeat(32)),
    );
    assert.doesNotMatch(await avatar!.text(), /<script/);
  });
});

Deno.test("identities used before are offered again after the presets", async () => {
  using simulator = await openSimulator();
  const { sim } = simulator;
  assert.deepEqual(await knownIdentities(sim), PRESET_IDENTITIES);
  const custom = { openid: "E".repeat(32), nickname: "老王" };
  await grantCode(sim, authorized, custom);
  await grantCode(sim, authorized, XIAOMING);
  assert.deepEqual(await knownIdentities(sim), [...PRESET_IDENTITIES, custom]);
});

Deno.test("the QQ client logs in through the simulator end to end", async (t) => {
  using simulator = await openSimulator();
  const { sim } = simulator;
  const app = {
    config: readConfig({}),
    fetch: simulatorFetch(sim),
    origin: () => ORIGIN,
  };
  const settings = qqSettingsFor(app);

  await t.step("authorize, code, token, openid, nickname", async () => {
    const authorize = new URL(authorizeUrl(settings, "STATE-1"));
    assert.equal(
      authorize.origin + authorize.pathname,
      `${ORIGIN}/dev/qq/oauth2.0/authorize`,
    );
    const request = readAuthorizeRequest(
      authorize.searchParams,
      settings.redirectUri,
    );
    const callback = new URL(await grantCode(sim, request, XIAOMING));
    assert.equal(callback.searchParams.get("state"), "STATE-1");

    const token = await exchangeCode(
      settings,
      callback.searchParams.get("code")!,
    );
    const { openid, unionid } = await fetchOpenid(settings, token);
    assert.equal(openid, XIAOMING.openid);
    assert.equal(unionid, unionidOf(XIAOMING.openid));
    assert.deepEqual(await fetchUserInfo(settings, token, openid), {
      nickname: XIAOMING.nickname,
      avatarUrl: `${ORIGIN}/dev/qq/avatar/${
        avatarKeyOf(
          XIAOMING.openid,
        )
      }`,
    });
  });

  await t.step(
    "a code replayed through the client is QQ's 100020",
    async () => {
      const code = await codeFor(sim);
      await exchangeCode(settings, code);
      await assert.rejects(exchangeCode(settings, code), (error) => {
        assert.ok(error instanceof QqError);
        assert.equal(error.code, 100020);
        assert.match(error.message, /code已被使用过/);
        return true;
      });
    },
  );

  await t.step("a made-up token is QQ's 100016", async () => {
    await assert.rejects(fetchOpenid(settings, "0".repeat(32)), {
      code: 100016,
    });
  });

  await t.step(
    "another app's key is refused at the token endpoint",
    async () => {
      const code = await codeFor(sim);
      await assert.rejects(
        exchangeCode({ ...settings, clientSecret: "wrong" }, code),
        { code: 100009 },
      );
    },
  );
});
