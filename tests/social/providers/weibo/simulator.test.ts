import assert from "node:assert/strict";
import { readConfig } from "@/lib/app/app.ts";
import {
  checkTokenInfo,
  exchangeCode,
  fetchUser,
} from "@/lib/social/providers/weibo/client.ts";
import { weiboSettingsFor } from "@/lib/social/providers/weibo/provider.ts";
import {
  answerShowUserRequest,
  answerTokenInfoRequest,
  answerTokenRequest,
  grantCode,
  PRESET_IDENTITIES,
  readAuthorizeRequest,
  readIdentity,
  type Simulator,
  SIMULATOR_CLIENT_ID,
  SIMULATOR_CLIENT_SECRET,
  WeiboRefusal,
} from "@/lib/social/providers/weibo/simulator.ts";

const ORIGIN = "http://shop.test";
const CALLBACK = `${ORIGIN}/oauth/weibo/callback`;
const [XIAOMING] = PRESET_IDENTITIES;

async function openSimulator() {
  const kv = await Deno.openKv(":memory:");
  const clock = { now: 1_700_000_000_000 };
  const sim: Simulator = { kv, now: () => clock.now };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const form = new URLSearchParams(String(init?.body ?? ""));
    switch (`${init?.method ?? "GET"} ${url.pathname}`) {
      case "POST /dev/weibo/oauth2/access_token":
        return await answerTokenRequest(sim, form);
      case "POST /dev/weibo/oauth2/get_token_info":
        return await answerTokenInfoRequest(sim, form);
      case "GET /dev/weibo/2/users/show.json":
        return await answerShowUserRequest(sim, url);
    }
    return new Response("Not Found", { status: 404 });
  };
  const settings = weiboSettingsFor({
    config: readConfig({}),
    fetch,
    origin: () => ORIGIN,
  });
  return { sim, clock, settings, [Symbol.dispose]: () => kv.close() };
}

const request = {
  clientId: SIMULATOR_CLIENT_ID,
  redirectUri: CALLBACK,
  state: "S",
};

async function codeFor(sim: Simulator) {
  return new URL(await grantCode(sim, request, XIAOMING)).searchParams.get(
    "code",
  )!;
}

Deno.test("the authorize page checks the app and the callback as Weibo does", () => {
  const query = (overrides: Record<string, string>) =>
    new URLSearchParams({
      client_id: SIMULATOR_CLIENT_ID,
      redirect_uri: CALLBACK,
      response_type: "code",
      state: "S",
      ...overrides,
    });
  assert.deepEqual(readAuthorizeRequest(query({}), CALLBACK), request);
  for (
    const [overrides, code] of [
      [{ client_id: "" }, 21323],
      [{ client_id: "123" }, 21324],
      [{ redirect_uri: "https://evil.test/cb" }, 21322],
      [{ response_type: "token" }, 21329],
    ] as const
  ) {
    assert.throws(
      () => readAuthorizeRequest(query(overrides), CALLBACK),
      (error) => error instanceof WeiboRefusal && error.errorCode === code,
    );
  }
});

Deno.test("picking a Weibo user: a preset, or a typed one", () => {
  assert.deepEqual(
    readIdentity({ uid: XIAOMING.uid, screen_name: XIAOMING.screenName }),
    { identity: XIAOMING },
  );
  const typed = readIdentity({ screen_name: "老王", uid: "" });
  assert.ok("identity" in typed);
  assert.match(typed.identity.uid, /^[1-9]\d{9}$/);
  for (
    const form of [{}, { screen_name: "x", uid: "0123" }, {
      screen_name: "x",
      uid: "abc",
    }]
  ) {
    assert.ok("problem" in readIdentity(form), JSON.stringify(form));
  }
});

Deno.test("Weibo's API, simulated: POSTs, numbers and strings, 400 refusals", async (t) => {
  using simulator = await openSimulator();
  const { sim, clock, settings } = simulator;

  await t.step(
    "the client gets the uid, checks the token, gets the name",
    async () => {
      const grant = await exchangeCode(settings, await codeFor(sim));
      assert.deepEqual(grant.uid, XIAOMING.uid);
      await checkTokenInfo(settings, grant);
      assert.equal(
        (await fetchUser(settings, grant)).screenName,
        XIAOMING.screenName,
      );
    },
  );

  await t.step(
    "the three answers spell the uid differently, as Weibo does",
    async () => {
      const token = await answerTokenRequest(
        sim,
        new URLSearchParams({
          client_id: SIMULATOR_CLIENT_ID,
          client_secret: SIMULATOR_CLIENT_SECRET,
          grant_type: "authorization_code",
          code: await codeFor(sim),
          redirect_uri: CALLBACK,
        }),
      );
      const granted = await token.json();
      assert.equal(typeof granted.uid, "string");
      const info = await (await answerTokenInfoRequest(
        sim,
        new URLSearchParams({ access_token: granted.access_token }),
      )).json();
      assert.equal(typeof info.uid, "number");
      assert.equal(typeof info.appkey, "number");
      const user = await (await answerShowUserRequest(
        sim,
        new URL(
          `${ORIGIN}/dev/weibo/2/users/show.json?access_token=${granted.access_token}&uid=${granted.uid}`,
        ),
      )).json();
      assert.equal(typeof user.id, "number");
    },
  );

  await t.step("a code is good once and for ten minutes: 21325", async () => {
    const code = await codeFor(sim);
    await exchangeCode(settings, code);
    await assert.rejects(exchangeCode(settings, code), { code: 21325 });
    const late = await codeFor(sim);
    clock.now += 10 * 60 * 1000;
    await assert.rejects(exchangeCode(settings, late), { code: 21325 });
  });

  await t.step("a wrong secret or callback is refused", async () => {
    await assert.rejects(
      exchangeCode({ ...settings, clientSecret: "wrong" }, await codeFor(sim)),
      { code: 21324 },
    );
    await assert.rejects(
      exchangeCode(
        { ...settings, redirectUri: `${ORIGIN}/elsewhere` },
        await codeFor(sim),
      ),
      { code: 21322 },
    );
  });

  await t.step(
    "refusals are 400 with error, error_code and error_description",
    async () => {
      const response = await answerTokenInfoRequest(
        sim,
        new URLSearchParams({ access_token: "made-up" }),
      );
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.error, "invalid_access_token");
      assert.equal(body.error_code, 21332);
      assert.equal(typeof body.error_description, "string");
    },
  );
});
