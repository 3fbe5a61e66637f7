import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { readProviderConfig } from "@/lib/app/config.ts";
import { readConfig } from "@/lib/app/app.ts";
import { PRODUCTION_ENV } from "@/tests/_app.ts";
import { startApp } from "@/tests/_app_server.ts";

const PRODUCTION = PRODUCTION_ENV;

/** The one line `readConfig(env)` stops with. */
function refusal(env: Record<string, string>): string {
  try {
    readConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

const ALIYUN = {
  SMS_PROVIDER: "aliyun",
  ALIYUN_ACCESS_KEY_ID: "LTAI5tExampleKeyId",
  ALIYUN_ACCESS_KEY_SECRET: "example-access-key-secret",
  ALIYUN_SMS_SIGN_NAME: "阿里云短信测试",
  ALIYUN_SMS_TEMPLATE_CODE: "SMS_154950909",
};

const TENCENT = {
  SMS_PROVIDER: "tencent",
  TENCENT_SECRET_ID: "AKIDExampleSecretId",
  TENCENT_SECRET_KEY: "example-secret-key",
  TENCENT_SMS_SDK_APP_ID: "1400006666",
  TENCENT_SMS_SIGN_NAME: "腾讯云",
  TENCENT_SMS_TEMPLATE_ID: "1110",
};

Deno.test("configuration", async (t) => {
  await t.step(
    "defaults run development on port 8000 with the simulator and a random key",
    () => {
      const config = readConfig({});
      equal(config.port, 8000);
      equal(config.hostname, "0.0.0.0");
      equal(config.production, false);
      for (const [id, provider] of Object.entries(config.providers)) {
        equal(provider.simulator, true, id);
        equal(provider.enabled, true, id);
      }
      equal(config.secretKeyGenerated, true);
      equal(config.secretKey.length, 64);
      equal(config.bcryptCost, 10);
      equal(config.sms.provider, "console");
      equal(config.smsCaptcha, "auto");
      equal(config.publicOrigin, undefined);
      equal(config.trustProxy, false);
    },
  );

  await t.step("production with its settings has no simulator", () => {
    const config = readConfig(PRODUCTION);
    equal(config.production, true);
    equal(config.providers.qq.simulator, false);
    equal(config.providers.qq.clientId, "101234567");
    equal(config.publicOrigin, "https://shop.example");
  });

  await t.step(
    "production offers WeChat and Weibo only with their credentials; development simulates them",
    () => {
      const without = readConfig(PRODUCTION);
      for (const id of ["wechat", "weibo"]) {
        equal(without.providers[id].enabled, false, id);
        equal(without.providers[id].simulator, false, id);
      }
      const withThem = readConfig({
        ...PRODUCTION,
        WECHAT_APP_ID: "wx0123456789abcdef",
        WECHAT_APP_SECRET: "wechat-secret",
        WEIBO_CLIENT_ID: "3712345678",
        WEIBO_CLIENT_SECRET: "weibo-secret",
        WEIBO_API_BASE: "https://weibo-proxy.example/",
      });
      for (const id of ["wechat", "weibo"]) {
        equal(withThem.providers[id].enabled, true, id);
        equal(withThem.providers[id].simulator, false, id);
      }
      equal(withThem.providers.wechat.clientId, "wx0123456789abcdef");
      equal(
        withThem.providers.weibo.bases.api,
        "https://weibo-proxy.example/",
      );
      const development = readConfig({
        WECHAT_APP_ID: "wx0123456789abcdef",
        WECHAT_APP_SECRET: "wechat-secret",
      });
      equal(development.providers.wechat.simulator, false);
      equal(development.providers.weibo.simulator, true);
      equal(development.providers.qq.simulator, true);
    },
  );

  await t.step(
    "a provider with no simulator is offered only once its credentials are set",
    () => {
      const github = {
        env: {
          clientId: "GITHUB_CLIENT_ID",
          clientSecret: "GITHUB_CLIENT_SECRET",
          redirectUri: "GITHUB_REDIRECT_URI",
          bases: {
            api: { env: "GITHUB_API_BASE", default: "https://github.com" },
          },
        },
      };
      const unset = readProviderConfig(github, {}, false);
      equal(unset.enabled, false);
      equal(unset.simulator, false);
      const set = readProviderConfig(github, {
        GITHUB_CLIENT_ID: "Iv1.abc",
        GITHUB_CLIENT_SECRET: "secret",
      }, false);
      equal(set.enabled, true);
      throws(
        () => readProviderConfig(github, { GITHUB_API_BASE: "nope" }, false),
        /^ConfigError: GITHUB_API_BASE /,
      );
    },
  );

  await t.step("PUBLIC_ORIGIN is kept as an origin", () => {
    equal(
      readConfig({ PUBLIC_ORIGIN: "https://Shop.Example:443/" }).publicOrigin,
      "https://shop.example",
    );
    equal(
      readConfig({ PUBLIC_ORIGIN: "http://127.0.0.1:8000" }).publicOrigin,
      "http://127.0.0.1:8000",
    );
  });

  await t.step(
    "each bad value stops start-up with one line naming the variable",
    () => {
      const bad: [Record<string, string>, RegExp][] = [
        [{ PORT: "eighty" }, /^PORT /],
        [{ WECHAT_APP_ID: "wx0123456789abcdef" }, /^WECHAT_APP_SECRET /],
        [{ WEIBO_CLIENT_SECRET: "secret" }, /^WEIBO_CLIENT_ID /],
        [{ WECHAT_APP_ID: "wx 01", WECHAT_APP_SECRET: "s" }, /^WECHAT_APP_ID /],
        [{ WECHAT_OPEN_BASE: "ftp://x" }, /^WECHAT_OPEN_BASE /],
        [{ WECHAT_API_BASE: "nope" }, /^WECHAT_API_BASE /],
        [{ WEIBO_API_BASE: "nope" }, /^WEIBO_API_BASE /],
        [{ WEIBO_REDIRECT_URI: "nope" }, /^WEIBO_REDIRECT_URI /],
        [{ PORT: "70000" }, /^PORT /],
        [{ APP_ENV: "staging" }, /^APP_ENV /],
        [{ APP_ENV: "test" }, /^APP_ENV /],
        [{ SECRET_KEY: "short" }, /^SECRET_KEY /],
        [{ BCRYPT_COST: "3" }, /^BCRYPT_COST /],
        [{ BCRYPT_COST: "16" }, /^BCRYPT_COST /],
        [{ QQ_API_BASE: "not a url" }, /^QQ_API_BASE /],
        [{ QQ_REDIRECT_URI: "ftp://x" }, /^QQ_REDIRECT_URI /],
        [{ SMS_PROVIDER: "carrier-pigeon" }, /^SMS_PROVIDER /],
        [{ SMS_PROVIDER: "webhook" }, /^SMS_WEBHOOK_URL /],
        [{ SMS_CAPTCHA: "sometimes" }, /^SMS_CAPTCHA /],
        [{ PUBLIC_ORIGIN: "shop.example" }, /^PUBLIC_ORIGIN /],
        [{ PUBLIC_ORIGIN: "https://shop.example/shop" }, /^PUBLIC_ORIGIN /],
        [{ PUBLIC_ORIGIN: "https://shop.example/?a=1" }, /^PUBLIC_ORIGIN /],
        [
          { ...ALIYUN, ALIYUN_SMS_TEMPLATE_CODE: "154950909" },
          /^ALIYUN_SMS_TEMPLATE_CODE /,
        ],
        [
          { ...ALIYUN, ALIYUN_ACCESS_KEY_SECRET: "secret\n" },
          /^ALIYUN_ACCESS_KEY_SECRET /,
        ],
        [
          { ...ALIYUN, ALIYUN_SMS_ENDPOINT: "dysmsapi.aliyuncs.com" },
          /^ALIYUN_SMS_ENDPOINT /,
        ],
        [
          { ...TENCENT, TENCENT_SMS_SDK_APP_ID: "app" },
          /^TENCENT_SMS_SDK_APP_ID /,
        ],
        [
          { ...TENCENT, TENCENT_SMS_TEMPLATE_ID: "T1" },
          /^TENCENT_SMS_TEMPLATE_ID /,
        ],
        [
          { ...TENCENT, TENCENT_SMS_REGION: "Guangzhou" },
          /^TENCENT_SMS_REGION /,
        ],
        [
          { ...TENCENT, TENCENT_SECRET_KEY: "two words" },
          /^TENCENT_SECRET_KEY /,
        ],
        [
          { ...TENCENT, TENCENT_SMS_ENDPOINT: "ftp://x" },
          /^TENCENT_SMS_ENDPOINT /,
        ],
        [{ TENCENT_SMS_REGION: "Guangzhou" }, /^TENCENT_SMS_REGION /],
        [{ TRUST_PROXY: "maybe" }, /^TRUST_PROXY /],
        [{ QQ_CLIENT_ID: "101234567" }, /^QQ_CLIENT_SECRET /],
        [{ APP_ENV: "production" }, /^SECRET_KEY /],
        [{ ...PRODUCTION, QQ_CLIENT_SECRET: "" }, /^QQ_CLIENT_SECRET /],
      ];
      for (const [env, message] of bad) {
        throws(
          () => readConfig(env),
          (error: Error) =>
            message.test(error.message) && !error.message.includes("\n"),
        );
      }
    },
  );

  await t.step("production refuses to start without PUBLIC_ORIGIN", () => {
    match(
      refusal({ ...PRODUCTION, PUBLIC_ORIGIN: "" }),
      /^PUBLIC_ORIGIN is required when APP_ENV=production$/,
    );
  });

  await t.step(
    "production refuses to start without the shop's own legal texts",
    async () => {
      match(
        refusal({ ...PRODUCTION, LEGAL_DIR: "" }),
        /^LEGAL_DIR is required when APP_ENV=production: .*agreement\.md and privacy\.md/,
      );
      const half = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(`${half}/agreement.md`, "# 用户协议\n");
        const line = refusal({ ...PRODUCTION, LEGAL_DIR: half });
        match(line, /^LEGAL_DIR's privacy\.md is missing/);
        ok(!line.includes("\n"), line);
        match(
          refusal({ LEGAL_DIR: `${half}/nowhere` }),
          /^LEGAL_DIR's agreement\.md is missing/,
          "and outside production, once LEGAL_DIR is set",
        );
      } finally {
        await Deno.remove(half, { recursive: true });
      }
      equal(readConfig({}).legalDir, undefined, "development: the templates");
    },
  );

  await t.step(
    "production refuses SMS codes on the log and SMS without captchas",
    () => {
      match(
        refusal({ ...PRODUCTION, SMS_PROVIDER: "console" }),
        /^SMS_PROVIDER=console is refused/,
      );
      const { SMS_PROVIDER: _, ...noProvider } = PRODUCTION;
      match(refusal(noProvider), /^SMS_PROVIDER=console is refused/);
      match(
        refusal({ ...PRODUCTION, SMS_CAPTCHA: "off" }),
        /^SMS_CAPTCHA=off is refused/,
      );
      equal(
        readConfig({ ...PRODUCTION, SMS_CAPTCHA: "always" }).smsCaptcha,
        "always",
      );
      equal(readConfig({ SMS_CAPTCHA: "off" }).smsCaptcha, "off");
    },
  );

  await t.step(
    "APP_ENV is development or production: no third name turns the simulators on",
    () => {
      for (const name of ["test", "staging", "prod", "Production"]) {
        equal(
          refusal({ ...PRODUCTION, APP_ENV: name }),
          "APP_ENV must be development or production",
          name,
        );
      }
      equal(
        readConfig({ APP_ENV: "development" }).providers.qq.simulator,
        true,
      );
    },
  );

  await t.step(
    "production refuses plain http but to this machine, and a store that forgets",
    () => {
      match(
        refusal({ ...PRODUCTION, PUBLIC_ORIGIN: "http://shop.example" }),
        /^PUBLIC_ORIGIN must be an https origin when APP_ENV=production/,
      );
      match(
        refusal({ ...PRODUCTION, PUBLIC_ORIGIN: "http://127.0.0.1:8000" }),
        /^PUBLIC_ORIGIN must be an https origin/,
      );
      match(
        refusal({ ...PRODUCTION, DENO_KV_PATH: ":memory:" }),
        /^DENO_KV_PATH=:memory: is refused when APP_ENV=production/,
      );
      const WECHAT = {
        WECHAT_APP_ID: "wx0123456789abcdef",
        WECHAT_APP_SECRET: "wechat-secret",
      };
      const outbound: Record<string, string>[] = [
        { QQ_API_BASE: "http://graph.qq.com" },
        { QQ_REDIRECT_URI: "http://shop.example/oauth_callback" },
        { ...WECHAT, WECHAT_OPEN_BASE: "http://open.weixin.qq.com" },
        { ...WECHAT, WECHAT_API_BASE: "http://10.0.0.8:8080" },
        { WEIBO_API_BASE: "http://api.weibo.com" },
        { SMS_WEBHOOK_URL: "http://sms.example/send" },
        { ...ALIYUN, ALIYUN_SMS_ENDPOINT: "http://dysmsapi.aliyuncs.com" },
        { ...TENCENT, TENCENT_SMS_ENDPOINT: "http://sms.tencentcloudapi.com" },
        // Not loopback, whatever they look like.
        { QQ_API_BASE: "http://127.0.0.1.example" },
        { QQ_API_BASE: "http://localhost.example" },
        { QQ_API_BASE: "http://[::ffff:10.0.0.1]" },
        { DENO_KV_PATH: "http://kv.example/db" },
      ];
      for (const env of outbound) {
        const name = Object.keys(env).at(-1)!;
        equal(
          refusal({ ...PRODUCTION, ...env }),
          `${name} must be an https URL when APP_ENV=production (http only to this machine: 127.0.0.0/8, ::1, localhost)`,
        );
      }
      const relays: Record<string, string>[] = [
        { QQ_API_BASE: "http://127.0.0.1:9000" },
        { QQ_API_BASE: "http://127.8.9.10" },
        { QQ_API_BASE: "http://localhost:9000/qq" },
        { QQ_API_BASE: "http://[::1]:9000" },
        { SMS_WEBHOOK_URL: "http://127.0.0.1:9001/send" },
        { ...ALIYUN, ALIYUN_SMS_ENDPOINT: "http://localhost:9002" },
        { DENO_KV_PATH: "/var/lib/shop/kv.sqlite3" },
        { DENO_KV_PATH: "https://api.deno.com/databases/x/connect" },
      ];
      for (const env of relays) {
        equal(readConfig({ ...PRODUCTION, ...env }).production, true);
      }
    },
  );

  await t.step("production refuses a SECRET_KEY anyone could guess", () => {
    const guessable = [
      "a".repeat(48),
      "passwordpasswordpasswordpassword",
      "secret-secret-secret-secret-secret",
      "changeme-changeme-changeme-changeme",
      "Password123Password123Password123",
      "abababababababababababababababab",
      "0123456789abcdef0123456789abcdef",
      "abcdefghijklmnopqrstuvwxyz012345",
      "qwertyuiopasdfghjklzxcvbnm123456",
      "my-super-secret-production-key-2026!!",
      "test-server-secret-key-0123456789abcdef",
    ];
    for (const key of guessable) {
      match(
        refusal({ ...PRODUCTION, SECRET_KEY: key }),
        /^SECRET_KEY is guessable/,
        key,
      );
    }
  });

  await t.step("random keys of every usual spelling are accepted", () => {
    for (let i = 0; i < 200; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0"))
        .join("");
      const base64 = btoa(String.fromCharCode(...bytes));
      for (
        const key of [hex, base64, crypto.randomUUID() + crypto.randomUUID()]
      ) {
        equal(readConfig({ ...PRODUCTION, SECRET_KEY: key }).secretKey, key);
      }
    }
  });

  await t.step("outside production any key of 32 characters will do", () => {
    equal(
      readConfig({ SECRET_KEY: "a".repeat(32) }).secretKey,
      "a".repeat(32),
    );
  });
});

Deno.test("the real server stops on unsafe production settings, one line naming the variable", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ SMS_PROVIDER: "console" }, "SMS_PROVIDER"],
    [{ SMS_CAPTCHA: "off" }, "SMS_CAPTCHA"],
    [{ SECRET_KEY: "k".repeat(48) }, "SECRET_KEY"],
    [{ PUBLIC_ORIGIN: "" }, "PUBLIC_ORIGIN"],
    [{ PUBLIC_ORIGIN: "http://shop.example" }, "PUBLIC_ORIGIN"],
    [{ DENO_KV_PATH: ":memory:" }, "DENO_KV_PATH"],
    [{ APP_ENV: "test" }, "APP_ENV"],
    [{ LEGAL_DIR: "" }, "LEGAL_DIR"],
    [{ LEGAL_DIR: "/nonexistent-legal-dir" }, "LEGAL_DIR"],
  ];
  const runs = await Promise.all(
    cases.map(([env]) =>
      startup({ ...PRODUCTION, PORT: "0", HOSTNAME: "127.0.0.1", ...env })
    ),
  );
  runs.forEach((run, i) => {
    const variable = cases[i][1];
    ok(run !== "listening", `started with ${JSON.stringify(cases[i][0])}`);
    const { code, lines } = run;
    equal(code, 1, variable);
    equal(lines.length, 1, lines.join("\n"));
    match(lines[0], new RegExp(`^Configuration error: ${variable}[ =']`));
  });
});

/** Runs main.ts with `env`: its exit code and error lines, or "listening" (then stopped) if it started. */
async function startup(
  env: Record<string, string>,
): Promise<{ code: number; lines: string[] } | "listening"> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const listening = (async () => {
    const output = child.stdout.pipeThrough(new TextDecoderStream());
    for await (const chunk of output) {
      if (chunk.includes("Listening on")) return true;
    }
    return false;
  })();
  if (await listening) {
    child.kill();
    await child.status;
    await stderr;
    return "listening";
  }
  const { code } = await child.status;
  return { code, lines: (await stderr).trim().split("\n") };
}

Deno.test("the real server starts in production with safe settings", async () => {
  await using server = await startApp({
    ...PRODUCTION,
    QQ_API_BASE: "https://graph.qq.com",
  });
  const response = await fetch(`${server.origin}/`);
  equal(response.status, 200);
  ok((await response.text()).includes("美多商城"));
  // On a machine's first run Deno itself says it is fetching esbuild (for Deno.bundle) into its cache.
  const fromDeno = /^Download https:\/\/registry\.npmjs\.org\//;
  deepEqual(server.stderr.filter((line) => !fromDeno.test(line)), []);
});

/**
 * Runs `deno <args>` in the project folder until it exits, or until Deno says its file watcher started
 * (a `deno task start` that went on to watch for changes), when it is stopped and `watching` says so.
 */
async function denoIn(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: new URL("../../", import.meta.url).pathname,
    env: { NO_COLOR: "1", PORT: "0", HOSTNAME: "127.0.0.1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let watching = false;
  for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
    stderr += text;
    if (!watching && /Watcher Process started/.test(stderr)) {
      watching = true;
      child.kill("SIGTERM");
    }
  }
  const { code } = await child.status;
  return { code, stderr, watching };
}

Deno.test("`deno task start` with a bad setting exits with the line naming it, instead of waiting for a file change", async () => {
  const run = await denoIn(["task", "start"], { BCRYPT_COST: "99" });
  ok(!run.watching, `it went on to watch for changes:\n${run.stderr}`);
  equal(run.code, 1);
  match(
    run.stderr,
    /^Configuration error: BCRYPT_COST must be between 4 and 15$/m,
  );
});

Deno.test("with good settings, start's check says nothing and lets the server start", async () => {
  const run = await denoIn(["run", "-A", "scripts/check_config.ts"], {
    DENO_KV_PATH: ":memory:",
  });
  equal(run.code, 0);
  equal(run.stderr, "");
});

Deno.test("the real SMS gateways", async (t) => {
  await t.step(
    "aliyun takes its four settings and Aliyun's endpoint by default",
    () => {
      deepEqual(readConfig(ALIYUN).sms, {
        provider: "aliyun",
        aliyun: {
          accessKeyId: ALIYUN.ALIYUN_ACCESS_KEY_ID,
          accessKeySecret: ALIYUN.ALIYUN_ACCESS_KEY_SECRET,
          signName: ALIYUN.ALIYUN_SMS_SIGN_NAME,
          templateCode: ALIYUN.ALIYUN_SMS_TEMPLATE_CODE,
          endpoint: "https://dysmsapi.aliyuncs.com",
        },
      });
    },
  );

  await t.step(
    "tencent takes its five settings, Guangzhou and Tencent's endpoint by default",
    () => {
      deepEqual(readConfig(TENCENT).sms, {
        provider: "tencent",
        tencent: {
          secretId: TENCENT.TENCENT_SECRET_ID,
          secretKey: TENCENT.TENCENT_SECRET_KEY,
          sdkAppId: TENCENT.TENCENT_SMS_SDK_APP_ID,
          signName: TENCENT.TENCENT_SMS_SIGN_NAME,
          templateId: TENCENT.TENCENT_SMS_TEMPLATE_ID,
          region: "ap-guangzhou",
          endpoint: "https://sms.tencentcloudapi.com",
        },
      });
    },
  );

  await t.step("the region and the endpoints can be set", () => {
    const tencent = readConfig({
      ...TENCENT,
      TENCENT_SMS_REGION: "ap-nanjing",
      TENCENT_SMS_ENDPOINT: "http://127.0.0.1:9001",
    }).sms;
    equal(
      tencent.provider === "tencent" && tencent.tencent.region,
      "ap-nanjing",
    );
    equal(
      tencent.provider === "tencent" && tencent.tencent.endpoint,
      "http://127.0.0.1:9001",
    );
    const aliyun = readConfig({
      ...ALIYUN,
      ALIYUN_SMS_ENDPOINT: "http://127.0.0.1:9002",
    }).sms;
    equal(
      aliyun.provider === "aliyun" && aliyun.aliyun.endpoint,
      "http://127.0.0.1:9002",
    );
  });

  await t.step(
    "each missing setting stops start-up with one line naming it",
    () => {
      for (
        const [env, provider] of [[ALIYUN, "aliyun"], [
          TENCENT,
          "tencent",
        ]] as const
      ) {
        for (
          const name of Object.keys(env).filter((name) =>
            name !== "SMS_PROVIDER"
          )
        ) {
          throws(
            () => readConfig({ ...env, [name]: "" }),
            (error: Error) =>
              error.message ===
                `${name} is required when SMS_PROVIDER=${provider}`,
          );
        }
      }
    },
  );
});

Deno.test("CAPTCHA_PROVIDER: the app's image code, or a captcha service whose settings must all be right", async (t) => {
  const tencent = {
    CAPTCHA_PROVIDER: "tencent",
    TENCENT_CAPTCHA_SECRET_ID: "AKIDCaptchaSecretId",
    TENCENT_CAPTCHA_SECRET_KEY: "captcha-secret-key",
    TENCENT_CAPTCHA_APP_ID: "190000001",
    TENCENT_CAPTCHA_APP_SECRET_KEY: "app-secret-key",
  };
  const aliyun = {
    CAPTCHA_PROVIDER: "aliyun",
    ALIYUN_CAPTCHA_ACCESS_KEY_ID: "LTAI5tCaptchaKeyId",
    ALIYUN_CAPTCHA_ACCESS_KEY_SECRET: "captcha-access-key-secret",
    ALIYUN_CAPTCHA_SCENE_ID: "1ug4aptr",
    ALIYUN_CAPTCHA_PREFIX: "fsgtmi",
  };

  await t.step("unset: the image code", () => {
    deepEqual(readConfig({}).captcha, { provider: "image" });
  });

  await t.step("tencent, with the documented endpoint by default", () => {
    deepEqual(readConfig(tencent).captcha, {
      provider: "tencent",
      tencent: {
        secretId: "AKIDCaptchaSecretId",
        secretKey: "captcha-secret-key",
        appId: "190000001",
        appSecretKey: "app-secret-key",
        endpoint: "https://captcha.tencentcloudapi.com",
      },
    });
  });

  await t.step("aliyun, with the Shanghai endpoint by default", () => {
    deepEqual(readConfig(aliyun).captcha, {
      provider: "aliyun",
      aliyun: {
        accessKeyId: "LTAI5tCaptchaKeyId",
        accessKeySecret: "captcha-access-key-secret",
        sceneId: "1ug4aptr",
        prefix: "fsgtmi",
        endpoint: "https://captcha.cn-shanghai.aliyuncs.com",
      },
    });
  });

  await t.step(
    "the account's general keys stand in for the captcha's own",
    () => {
      const {
        TENCENT_CAPTCHA_SECRET_ID: _,
        TENCENT_CAPTCHA_SECRET_KEY: __,
        ...rest
      } = tencent;
      const config = readConfig({
        ...rest,
        TENCENT_SECRET_ID: "AKIDShared",
        TENCENT_SECRET_KEY: "shared-key",
      }).captcha;
      ok(config.provider === "tencent");
      equal(config.tencent.secretId, "AKIDShared");
      equal(config.tencent.secretKey, "shared-key");
      const {
        ALIYUN_CAPTCHA_ACCESS_KEY_ID: ___,
        ALIYUN_CAPTCHA_ACCESS_KEY_SECRET: ____,
        ...aliRest
      } = aliyun;
      const ali = readConfig({
        ...aliRest,
        ALIYUN_ACCESS_KEY_ID: "LTAIShared",
        ALIYUN_ACCESS_KEY_SECRET: "shared-secret",
      }).captcha;
      ok(ali.provider === "aliyun");
      equal(ali.aliyun.accessKeyId, "LTAIShared");
    },
  );

  await t.step(
    "a bad or missing setting: one line naming it, in production too",
    () => {
      for (const base of [{}, PRODUCTION]) {
        equal(
          refusal({ ...base, CAPTCHA_PROVIDER: "recaptcha" }),
          "CAPTCHA_PROVIDER must be image, tencent or aliyun",
        );
        equal(
          refusal({ ...base, ...tencent, TENCENT_CAPTCHA_APP_ID: "" }),
          "TENCENT_CAPTCHA_APP_ID is required when CAPTCHA_PROVIDER=tencent",
        );
        match(
          refusal({ ...base, ...tencent, TENCENT_CAPTCHA_APP_ID: "app-1" }),
          /^TENCENT_CAPTCHA_APP_ID must be the numeric CaptchaAppId/,
        );
        equal(
          refusal({ ...base, ...tencent, TENCENT_CAPTCHA_SECRET_KEY: "" }),
          "TENCENT_CAPTCHA_SECRET_KEY (or TENCENT_SECRET_KEY) is required when CAPTCHA_PROVIDER=tencent",
        );
        match(
          refusal({
            ...base,
            ...aliyun,
            ALIYUN_CAPTCHA_PREFIX: "Not A Prefix",
          }),
          /^ALIYUN_CAPTCHA_PREFIX must be/,
        );
        equal(
          refusal({ ...base, ...aliyun, ALIYUN_CAPTCHA_SCENE_ID: "" }),
          "ALIYUN_CAPTCHA_SCENE_ID is required when CAPTCHA_PROVIDER=aliyun",
        );
        match(
          refusal({ ...base, ...aliyun, ALIYUN_CAPTCHA_ENDPOINT: "ftp://x" }),
          /^ALIYUN_CAPTCHA_ENDPOINT must be an http\(s\) URL/,
        );
      }
    },
  );
});
