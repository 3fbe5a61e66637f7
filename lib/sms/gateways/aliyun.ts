// Aliyun's SMS gateway: Dysmsapi SendSms (API 2017-05-25), RPC style, signed with ACS3-HMAC-SHA256.
import * as z from "zod/mini";
import type { AliyunSmsConfig } from "@/lib/app/config.ts";
import type { GatewayOptions, SmsDelivery, SmsSender } from "./gateway.ts";
import { callAliyunRpc } from "@/lib/core/cloud_api.ts";

// Aliyun's own limits on one mobile (by default 1 a minute, 5 an hour, 10 a day per signature).
const RATE_LIMITED = "isv.BUSINESS_LIMIT_CONTROL";

// Success and business errors come as 200 with a Code; a bad signature or key as 4xx with one.
const reply = z.object({
  Code: z.string().check(z.minLength(1), z.maxLength(100)),
  RequestId: z.optional(z.string().check(z.maxLength(100))),
});

export function aliyunGateway(
  config: AliyunSmsConfig,
  options: GatewayOptions,
): SmsSender {
  return {
    async send(mobile, code): Promise<SmsDelivery> {
      const answer = await callAliyunRpc(config, options, {
        endpoint: config.endpoint,
        action: "SendSms",
        version: "2017-05-25",
        params: {
          PhoneNumbers: mobile,
          SignName: config.signName,
          TemplateCode: config.templateCode,
          // A string, so a code starting with 0 keeps it.
          TemplateParam: JSON.stringify({ code }),
        },
        reply,
      });
      if (!answer.ok) return answer;
      const { status, reply: said, requestId } = answer;
      if (!said || (status >= 300 && status < 400)) {
        const error = status === 200 ? "malformed_reply" : `HTTP ${status}`;
        return { ok: false, reason: "failed", error, requestId };
      }
      const { Code } = said;
      if (Code === "OK" && status === 200) return { ok: true, requestId };
      return {
        ok: false,
        reason: Code === RATE_LIMITED ? "rate_limited" : "failed",
        error: Code === "OK" ? `HTTP ${status}` : Code,
        requestId,
      };
    },
  };
}
