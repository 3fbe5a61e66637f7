// Tencent Cloud's SMS gateway: SendSms (API 2021-01-11), signed with TC3-HMAC-SHA256.
import * as z from "zod/mini";
import type { TencentSmsConfig } from "@/lib/app/config.ts";
import type { GatewayOptions, SmsDelivery, SmsSender } from "./gateway.ts";
import { callOutside, parseJson } from "@/lib/core/outbound.ts";
import { tc3Authorization } from "@/lib/core/signing/tc3.ts";

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
      const url = new URL(config.endpoint);
      const phoneNumber = `+86${mobile}`;
      const payload = JSON.stringify({
        PhoneNumberSet: [phoneNumber],
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: config.templateId,
        // Strings both, so a code starting with 0 keeps it.
        TemplateParamSet: [smsCode, String(Math.ceil(ttlSeconds / 60))],
      });
      const timestamp = Math.floor(options.now() / 1000);
      const signed = {
        "content-type": "application/json; charset=utf-8",
        "x-tc-action": "SendSms",
      };
      const authorization = await tc3Authorization({
        url,
        service: "sms",
        headers: signed,
        payload,
        timestamp,
      }, config);
      const answer = await callOutside({
        url,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
        init: {
          method: "POST",
          headers: {
            ...signed,
            authorization,
            "x-tc-version": "2021-01-11",
            "x-tc-timestamp": String(timestamp),
            "x-tc-region": config.region,
          },
          body: payload,
        },
      });
      if (!answer.ok) {
        return { ok: false, reason: "failed", error: answer.error };
      }
      const parsed = reply.safeParse(parseJson(answer.text));
      const response = parsed.success ? parsed.data.Response : undefined;
      const requestId = response?.RequestId;
      if (answer.status !== 200) {
        return {
          ok: false,
          reason: "failed",
          error: `HTTP ${answer.status}`,
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
