// Aliyun's SMS gateway: Dysmsapi SendSms (API 2017-05-25), RPC style, signed with ACS3-HMAC-SHA256.
import * as z from "zod/mini";
import type { AliyunSmsConfig } from "@/lib/app/config.ts";
import type { GatewayOptions, SmsDelivery, SmsSender } from "./gateway.ts";
import { signAcs3 } from "@/lib/core/signing/acs3.ts";
import { hex } from "@/lib/core/signing/hmac.ts";
import { callOutside, parseJson } from "@/lib/core/outbound.ts";

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
      const { url, headers } = await signAcs3({
        method: "POST",
        url: new URL(config.endpoint),
        action: "SendSms",
        version: "2017-05-25",
        params: {
          PhoneNumbers: mobile,
          SignName: config.signName,
          TemplateCode: config.templateCode,
          // A string, so a code starting with 0 keeps it.
          TemplateParam: JSON.stringify({ code }),
        },
        body: "",
        date: new Date(options.now()).toISOString().replace(/\.\d+Z$/, "Z"),
        nonce: hex(crypto.getRandomValues(new Uint8Array(16))),
      }, config);
      const answer = await callOutside({
        url,
        init: {
          method: "POST",
          headers: { ...headers, accept: "application/json" },
        },
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
      });
      if (!answer.ok) {
        return { ok: false, reason: "failed", error: answer.error };
      }
      const parsed = reply.safeParse(parseJson(answer.text));
      const requestId = (parsed.success ? parsed.data.RequestId : undefined) ??
        answer.headers.get("x-acs-request-id")?.slice(0, 100);
      const status = answer.status;
      if (!parsed.success || (status >= 300 && status < 400)) {
        const error = status === 200 ? "malformed_reply" : `HTTP ${status}`;
        return { ok: false, reason: "failed", error, requestId };
      }
      const { Code } = parsed.data;
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
