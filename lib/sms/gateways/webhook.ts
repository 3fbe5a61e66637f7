// The code POSTed as JSON to a URL of the operator's (a relay to a gateway the app has no client for).
import { callOutside } from "@/lib/core/outbound.ts";
import type { GatewayOptions, SmsSender } from "./gateway.ts";

export function webhookGateway(
  url: string,
  options: GatewayOptions,
): SmsSender {
  return {
    async send(mobile, code, ttl, purpose) {
      const answer = await callOutside({
        url,
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ mobile, code, ttl, purpose }),
        },
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
      });
      if (!answer.ok) {
        return { ok: false, reason: "failed", error: answer.error };
      }
      return answer.status >= 200 && answer.status < 300
        ? { ok: true }
        : { ok: false, reason: "failed", error: `HTTP ${answer.status}` };
    },
  };
}
