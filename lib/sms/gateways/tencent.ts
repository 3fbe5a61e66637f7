// Tencent Cloud's SMS gateway: SendSms (API 2021-01-11), signed with TC3-HMAC-SHA256.
import * as z from "zod/mini";
import type { TencentSmsConfig } from "@/lib/app/config.ts";
import type { GatewayOptions, SmsDelivery, SmsSender } from "./gateway.ts";
import { callTencentCloud } from "@/lib/core/cloud_api.ts";

const code = z.string().check(z.minLength(1), z.maxLength(100));
// Errors come as 200 too, with Response.Error; a sent request reports each number in SendStatusSet.
const reply = z.object({
  Response: z.object({
    RequestId: z.optional(z.string().check(z.maxLength(100))),
    Error: z.optional(z.object({ Code: code })),
    SendStatusSet: z.optional(
      z.array(z.object({ Code: code, PhoneNumber: z.optional(z.string()) })),
    ),
  }),
});

export function tencentGateway(
  config: TencentSmsConfig,
  options: GatewayOptions,
): SmsSender {
  return {
    async send(mobile, smsCode, ttlSeconds): Promise<SmsDelivery> {
      const phoneNumber = `+86${mobile}`;
      const answer = await callTencentCloud(config, options, {
        endpoint: config.endpoint,
        service: "sms",
        action: "SendSms",
        version: "2021-01-11",
        region: config.region,
        payload: JSON.stringify({
          PhoneNumberSet: [phoneNumber],
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: config.templateId,
          // Strings both, so a code starting with 0 keeps it.
          TemplateParamSet: [smsCode, String(Math.ceil(ttlSeconds / 60))],
        }),
        reply,
      });
      if (!answer.ok) return answer;
      const { status, reply: response, requestId } = answer;
      if (status !== 200) {
        return {
          ok: false,
          reason: "failed",
          error: `HTTP ${status}`,
          requestId,
        };
      }
      const failure = response?.Error?.Code ??
        response?.SendStatusSet?.find((status) =>
          status.PhoneNumber === undefined || status.PhoneNumber === phoneNumber
        )?.Code ?? "malformed_reply";
      if (failure === "Ok") return { ok: true, requestId };
      return {
        ok: false,
        reason: rateLimited(failure) ? "rate_limited" : "failed",
        error: failure,
        requestId,
      };
    },
  };
}

// Tencent's own limits on one mobile (30 s, an hour, a day, the same text in a day; or the frequency
// policy set in its console). PhoneNumberCountLimit is too many numbers in one request, not one of them.
function rateLimited(error: string): boolean {
  return (/^LimitExceeded\.PhoneNumber\w+Limit$/.test(error) &&
    error !== "LimitExceeded.PhoneNumberCountLimit") ||
    error === "LimitExceeded.DeliveryFrequencyLimit";
}
