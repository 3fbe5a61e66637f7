// Delivers SMS codes: printed on the server log (development) or POSTed to a webhook (an SMS gateway).
import type { Config } from "@/lib/config.ts";
import type { SmsPurpose } from "./codes.ts";

export interface SmsSender {
  /** Resolves when the provider accepted the code; rejects otherwise. */
  send(
    mobile: string,
    code: string,
    ttlSeconds: number,
    purpose: SmsPurpose,
  ): Promise<void>;
}

export function createSmsSender(
  sms: Config["sms"],
  fetchFn: typeof fetch,
): SmsSender {
  if (sms.provider === "webhook") {
    return webhookSender(sms.webhookUrl!, fetchFn);
  }
  return {
    send(mobile, code, ttl, purpose) {
      console.log(
        JSON.stringify({ event: "sms_code", mobile, code, ttl, purpose }),
      );
      return Promise.resolve();
    },
  };
}

function webhookSender(url: string, fetchFn: typeof fetch): SmsSender {
  return {
    async send(mobile, code, ttl, purpose) {
      const response = await fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mobile, code, ttl, purpose }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok) {
        throw new Error(`SMS webhook answered ${response.status}`);
      }
    },
  };
}
