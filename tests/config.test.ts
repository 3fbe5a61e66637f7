import { equal, throws } from "node:assert/strict";
import { parseConfig } from "@/lib/config.ts";

const PRODUCTION = {
  APP_ENV: "production",
  SECRET_KEY: "k".repeat(32),
  QQ_CLIENT_ID: "101234567",
  QQ_CLIENT_SECRET: "app-key",
};

Deno.test("configuration", async (t) => {
  await t.step(
    "defaults run development on port 8000 with the simulator and a random key",
    () => {
      const config = parseConfig({});
      equal(config.port, 8000);
      equal(config.hostname, "0.0.0.0");
      equal(config.production, false);
      equal(config.simulator, true);
      equal(config.secretKeyGenerated, true);
      equal(config.secretKey.length, 64);
      equal(config.bcryptCost, 10);
      equal(config.sms.provider, "console");
      equal(config.trustProxy, false);
    },
  );

  await t.step("production with its three secrets has no simulator", () => {
    const config = parseConfig(PRODUCTION);
    equal(config.production, true);
    equal(config.simulator, false);
    equal(config.qq.clientId, "101234567");
  });

  await t.step(
    "each bad value stops start-up with one line naming the variable",
    () => {
      const bad: [Record<string, string>, RegExp][] = [
        [{ PORT: "eighty" }, /^PORT /],
        [{ PORT: "70000" }, /^PORT /],
        [{ APP_ENV: "staging" }, /^APP_ENV /],
        [{ SECRET_KEY: "short" }, /^SECRET_KEY /],
        [{ BCRYPT_COST: "3" }, /^BCRYPT_COST /],
        [{ BCRYPT_COST: "16" }, /^BCRYPT_COST /],
        [{ QQ_API_BASE: "not a url" }, /^QQ_API_BASE /],
        [{ QQ_REDIRECT_URI: "ftp://x" }, /^QQ_REDIRECT_URI /],
        [{ SMS_PROVIDER: "carrier-pigeon" }, /^SMS_PROVIDER /],
        [{ SMS_PROVIDER: "webhook" }, /^SMS_WEBHOOK_URL /],
        [{ TRUST_PROXY: "maybe" }, /^TRUST_PROXY /],
        [{ QQ_CLIENT_ID: "101234567" }, /^QQ_CLIENT_SECRET /],
        [{ APP_ENV: "production" }, /^SECRET_KEY /],
        [{ ...PRODUCTION, QQ_CLIENT_SECRET: "" }, /^QQ_CLIENT_SECRET /],
      ];
      for (const [env, message] of bad) {
        throws(
          () => parseConfig(env),
          (error: Error) =>
            message.test(error.message) && !error.message.includes("\n"),
        );
      }
    },
  );
});
