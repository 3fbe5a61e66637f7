// Delivers SMS codes through the configured gateway (lib/sms/gateways/: the console in development, a
// webhook, Aliyun's or Tencent Cloud's SMS). Each send leaves one log line an operator can trace.
import { maskMobile } from "@/lib/core/mask.ts";
import { counters, inSpan } from "@/lib/core/telemetry.ts";
import type { SmsConfig } from "@/lib/app/config.ts";
import { aliyunGateway } from "./gateways/aliyun.ts";
import type { SmsPurpose } from "./codes.ts";
import { consoleGateway } from "./gateways/console.ts";
import type {
  GatewayOptions,
  SmsDelivery,
  SmsSender,
} from "./gateways/gateway.ts";
import { webhookGateway } from "./gateways/webhook.ts";
import { tencentGateway } from "./gateways/tencent.ts";

export type { GatewayOptions, SmsDelivery, SmsSender };

export function createSmsSender(
  sms: SmsConfig,
  options: GatewayOptions,
): SmsSender {
  switch (sms.provider) {
    case "webhook":
      return webhookGateway(sms.webhookUrl, options);
    case "aliyun":
      return aliyunGateway(sms.aliyun, options);
    case "tencent":
      return tencentGateway(sms.tencent, options);
    case "console":
      return consoleGateway();
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
  const labels = { gateway, purpose: sms.purpose };
  const delivery = await inSpan("sms.send", labels, async (span) => {
    const delivery = await sendOnce(sender, sms);
    span.setAttribute("sms.outcome", delivery.ok ? "sent" : delivery.reason);
    return delivery;
  });
  counters.smsSends.add(1, {
    ...labels,
    outcome: delivery.ok ? "sent" : delivery.reason,
  });
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

async function sendOnce(
  sender: SmsSender,
  sms: Parameters<typeof deliverSmsCode>[2],
): Promise<SmsDelivery> {
  try {
    return await sender.send(
      sms.mobile,
      sms.code,
      sms.ttlSeconds,
      sms.purpose,
    );
  } catch (error) {
    // Only the error's kind: a fetch message quotes the URL, which may carry a key or the code.
    const timedOut = error instanceof DOMException &&
      error.name === "TimeoutError";
    return {
      ok: false,
      reason: "failed",
      error: timedOut ? "timeout" : "network",
    };
  }
}
