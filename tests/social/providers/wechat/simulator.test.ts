import assert from "node:assert/strict";
import { readConfig } from "@/lib/app/app.ts";
import {
  exchangeCode,
  fetchUserInfo,
  WechatError,
} from "@/lib/social/providers/wechat/client.ts";
import { wechatSettingsFor } from "@/lib/social/providers/wechat/provider.ts";
import {
  answerTokenRequest,
  answerUserInfoRequest,
  grantCode,
  PRESET_IDENTITIES,
  qrModules,
  readAuthorizeRequest,
  readIdentity,
  type Simulator,
  SIMULATOR_APP_ID,
  SIMULATOR_APP_SECRET,
  WechatPageRefusal,
} from "@/lib/social/providers/wechat/simulator.ts";

const ORIGIN = "http://shop.test";
const CALLBACK = `${ORIGIN}/oauth/wechat/callback`;
const [XIAOMING, , NO_UNIONID] = PRESET_IDENTITIES;

async function openSimulator() {
  const kv = await Deno.openKv(":memory:");
  const clock = { now: 1_700_000_000_000 };
  const sim: Simulator = { kv, now: () => clock.now };
  const fetch = (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.pathname === "/dev/wechat/sns/oauth2/access_token") {
      return answerTokenRequest(sim, url);
    }
    if (url.pathname === "/dev/wechat/sns/userinfo") {
      return answerUserInfoRequest(sim, url);
    }
    return Promise.resolve(new Response("Not Found", { status: 404 }));
  };
  const settings = wechatSettingsFor({
    config: readConfig({}),
    fetch,
    origin: () => ORIGIN,
  });
  return { sim, clock, settings, [Symbol.dispose]: () => kv.close() };
}

const request = { appId: SIMULATOR_APP_ID, redirectUri: CALLBACK, state: "S" };

async function codeFor(sim: Simulator, identity = XIAOMING) {
  return new URL(await grantCode(sim, request, identity)).searchParams.get(
    "code",
  )!;
}

Deno.test("the QR-code page checks the app, the scope and the callback as WeChat does", () => {
  const query = (overrides: Record<string, string | null>) => {
    const params = new URLSearchParams({
      appid: SIMULATOR_APP_ID,
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "snsapi_login",
      state: "S",
    });
    for (const [name, value] of Object.entries(overrides)) {
      if (value === null) params.delete(name);
      else params.set(name, value);
    }
    return params;
  };
  assert.deepEqual(readAuthorizeRequest(query({}), CALLBACK), request);
  for (
    const [overrides, message] of [
      [{ appid: "wxother" }, /参数错误/],
      [{ scope: "snsapi_userinfo" }, /Scope/],
      [{ redirect_uri: "https://evil.test/cb" }, /redirect_uri/],
      [{ response_type: null }, /参数错误/],
    ] as const
  ) {
    assert.throws(
      () => readAuthorizeRequest(query(overrides), CALLBACK),
      (error) =>
        error instanceof WechatPageRefusal && message.test(error.message),
    );
  }
});

Deno.test("picking who scans: a preset, or a typed one with or without a unionid", () => {
  assert.deepEqual(readIdentity({ ...XIAOMING }), { identity: XIAOMING });
  const typed = readIdentity({ nickname: " 老王 ", openid: "", unionid: "" });
  assert.ok("identity" in typed);
  assert.equal(typed.identity.nickname, "老王");
  assert.equal(typed.identity.unionid, undefined);
  assert.match(typed.identity.openid, /^o[\w-]{27}$/);
  for (
    const form of [{}, { nickname: "长".repeat(21) }, {
      nickname: "x",
      openid: "a b",
    }]
  ) {
    assert.ok("problem" in readIdentity(form), JSON.stringify(form));
  }
});

Deno.test("the QR code looks like one: 25×25 with its three finder squares", () => {
  const modules = qrModules("STATE");
  assert.equal(modules.length, 25);
  for (const [row, col] of [[0, 0], [0, 18], [18, 0]]) {
    assert.ok(modules[row][col] && modules[row + 6][col + 6]);
    assert.ok(!modules[row + 1][col + 1]);
  }
  assert.deepEqual(
    qrModules("STATE"),
    modules,
    "the same state, the same picture",
  );
  assert.notDeepEqual(qrModules("OTHER"), modules);
});

Deno.test("WeChat's API, simulated: codes once, errcodes with 200", async (t) => {
  using simulator = await openSimulator();
  const { sim, clock, settings } = simulator;

  await t.step(
    "the client gets the openid, the unionid and the nickname",
    async () => {
      const grant = await exchangeCode(settings, await codeFor(sim));
      assert.deepEqual(
        { openid: grant.openid, unionid: grant.unionid },
        { openid: XIAOMING.openid, unionid: XIAOMING.unionid },
      );
      const user = await fetchUserInfo(settings, grant);
      assert.equal(user.nickname, XIAOMING.nickname);
    },
  );

  await t.step(
    "an identity with no unionid has none in either answer",
    async () => {
      const grant = await exchangeCode(
        settings,
        await codeFor(sim, NO_UNIONID),
      );
      assert.equal(grant.unionid, undefined);
      assert.equal((await fetchUserInfo(settings, grant)).unionid, undefined);
    },
  );

  await t.step(
    "a code is good once (40163), and only for ten minutes (40029)",
    async () => {
      const code = await codeFor(sim);
      await exchangeCode(settings, code);
      await assert.rejects(exchangeCode(settings, code), { code: 40163 });
      const late = await codeFor(sim);
      clock.now += 10 * 60 * 1000;
      await assert.rejects(exchangeCode(settings, late), { code: 40029 });
    },
  );

  await t.step("two redemptions of one code at once: one token", async () => {
    const code = await codeFor(sim);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => exchangeCode(settings, code)),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  await t.step(
    "wrong app credentials are WeChat's 40013 and 40125",
    async () => {
      const code = await codeFor(sim);
      await assert.rejects(
        exchangeCode({ ...settings, appId: "wxnope" }, code),
        {
          code: 40013,
        },
      );
      await assert.rejects(
        exchangeCode({ ...settings, appSecret: "wrong" }, code),
        { code: 40125 },
      );
    },
  );

  await t.step("refusals are 200 with errcode and errmsg", async () => {
    const url = new URL(`${ORIGIN}/dev/wechat/sns/oauth2/access_token`);
    url.search = new URLSearchParams({
      appid: SIMULATOR_APP_ID,
      secret: SIMULATOR_APP_SECRET,
      code: "made-up",
      grant_type: "authorization_code",
    }).toString();
    const response = await answerTokenRequest(sim, url);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      errcode: 40029,
      errmsg: "invalid code",
    });
    const user = await answerUserInfoRequest(
      sim,
      new URL(`${ORIGIN}/dev/wechat/sns/userinfo?access_token=x&openid=y`),
    );
    assert.equal((await user.json()).errcode, 40001);
  });

  await t.step(
    "userinfo for another openid than the token's is 40003",
    async () => {
      const grant = await exchangeCode(settings, await codeFor(sim));
      await assert.rejects(
        fetchUserInfo(settings, { ...grant, openid: NO_UNIONID.openid }),
        (error) => error instanceof WechatError && error.code === 40003,
      );
    },
  );
});
