// Delivers SMS codes: printed on the server log (development), POSTed to a webhook, or sent through
// Aliyun's or Tencent Cloud's SMS gateway. Each send leaves one log line an operator can trace.
import { deadline } from "@/lib/core/deadline.ts";
import { maskMobile } from "@/lib/audit.ts";
import type { SmsConfig } from "@/lib/app/config.ts";
import { aliyunGateway } from "./gateways/aliyun.ts";
import type { SmsPurpose } from "./codes.ts";
import { tencentGateway } from "./gateways/tencent.ts";

/** The gateway's answer. `rate_limited`: the gateway's own limit on this mobile; `failed`: anything else. */
export type SmsDelivery =
  | { ok: true; requestId?: string }
  | {
    ok: false;
    reason: "rate_limited" | "failed";
    /** The gateway's error code, or timeout, network, malformed_reply, HTTP <status>: never a secret. */
    error: string;
    requestId?: string;
  };

export interface SmsSender {
  /** Resolves with the gateway's answer; may reject when the gateway could not be reached. */
  send(
    mobile: string,
    code: string,
    ttlSeconds: number,
    purpose: SmsPurpose,
  ): Promise<SmsDelivery>;
}

export interface GatewayOptions {
  fetch: typeof fetch;
  /** The clock signatures are dated by, in milliseconds since the epoch. */
  now: () => number;
  /** For the whole exchange, answer included; default 5000. */
  timeoutMs?: number;
}

export function createSmsSender(
  sms: SmsConfig,
  options: GatewayOptions,
): SmsSender {
  switch (sms.provider) {
    case "webhook":
      return webhookSender(sms.webhookUrl, options.fetch);
    case "aliyun":
      return aliyunGateway(sms.aliyun, options);
    case "tencent":
      return tencentGateway(sms.tencent, options);
    case "console":
      return {
        send(mobile, code, ttl, purpose) {
          console.log(
            JSON.stringify({ event: "sms_code", mobile, code, ttl, purpose }),
          );
          return Promise.resolve({ ok: true });
        },
      };
  }
}

/** Sends `code` through `sender` and logs the outcome, mobile masked; never rejects. */
export async function deliverSmsCode(
  sender: SmsSender,
  gateway: SmsConfig["provider"],
  sms: {
    mobile: string;
    code: string;
    ttlSeconds: number;
    purpose: SmsPurpose;
  },
): Promise<SmsDelivery> {
  let delivery: SmsDelivery;
  try {
    delivery = await sender.send(
      sms.mobile,
      sms.code,
      sms.ttlSeconds,
      sms.purpose,
    );
  } catch (error) {
    // Only the error's kind: a fetch message quotes the URL, which may carry a key or the code.
    const timedOut = error instanceof DOMException &&
      error.name === "TimeoutError";
    delivery = {
      ok: false,
      reason: "failed",
      error: timedOut ? "timeout" : "network",
    };
  }
  const line = JSON.stringify({
    event: "sms_send",
    gateway,
    mobile: maskMobile(sms.mobile),
    purpose: sms.purpose,
    requestId: delivery.requestId ?? null,
    outcome: delivery.ok ? "sent" : delivery.reason,
    ...(delivery.ok ? {} : { error: delivery.error }),
  });
  if (delivery.ok) console.log(line);
  else console.error(line);
  return delivery;
}

/** How long the webhook has to answer. */
const WEBHOOK_TIMEOUT_MS = 5000;

function webhookSender(url: string, fetchFn: typeof fetch): SmsSender {
  return {
    async send(mobile, code, ttl, purpose) {
      using limit = deadline(WEBHOOK_TIMEOUT_MS);
      const response = await fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mobile, code, ttl, purpose }),
        redirect: "manual",
        signal: limit.signal,
      });
      await response.body?.cancel();
      return response.ok
        ? { ok: true }
        : { ok: false, reason: "failed", error: `HTTP ${response.status}` };
    },
  };
}
