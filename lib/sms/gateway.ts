// Delivers SMS codes: printed on the server log (development) or POSTed to a webhook (an SMS gateway).
import type { Config } from "@/lib/config.ts";

export interface SmsSender {
  /** Resolves when the provider accepted the code; rejects otherwise. */
  send(mobile: string, code: string, ttlSeconds: number): Promise<void>;
}

export function createSmsSender(
  sms: Config["sms"],
  fetchFn: typeof fetch,
): SmsSender {
  if (sms.provider === "webhook") {
    return webhookSender(sms.webhookUrl!, fetchFn);
  }
  return {
    send(mobile, code, ttlSeconds) {
      console.log(
        JSON.stringify({ event: "sms_code", mobile, code, ttl: ttlSeconds }),
      );
      return Promise.resolve();
    },
  };
}

function webhookSender(url: string, fetchFn: typeof fetch): SmsSender {
  return {
    async send(mobile, code, ttl) {
      const response = await fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mobile, code, ttl }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok) {
        throw new Error(`SMS webhook answered ${response.status}`);
      }
    },
  };
}
