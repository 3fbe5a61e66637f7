// 阿里云 验证码2.0: the server's check of the CaptchaVerifyParam the page's widget got,
// VerifyIntelligentCaptcha (API 2023-03-05), RPC style, signed with ACS3-HMAC-SHA256.
import * as z from "zod/mini";
import type { AliyunCaptchaConfig } from "@/lib/app/config.ts";
import { callOutside, parseJson } from "@/lib/core/outbound.ts";
import { signAcs3 } from "@/lib/core/signing/acs3.ts";
import { hex } from "@/lib/core/signing/hmac.ts";
import type { VendorCall, VendorVerdict } from "./verdict.ts";

const reply = z.object({
  RequestId: z.optional(z.string().check(z.maxLength(100))),
  Code: z.optional(z.string().check(z.maxLength(100))),
  Success: z.optional(z.boolean()),
  Result: z.optional(z.object({
    VerifyResult: z.boolean(),
    VerifyCode: z.optional(z.string().check(z.maxLength(20))),
  })),
});

// F008: the same verification submitted twice; F005/F006-like codes are a wrong or forged one.
const STALE = new Set(["F008"]);

export async function verifyAliyunParam(
  config: AliyunCaptchaConfig,
  answer: { captchaVerifyParam: string },
  call: VendorCall,
): Promise<VendorVerdict> {
  const { url, headers } = await signAcs3({
    method: "POST",
    url: new URL(config.endpoint),
    action: "VerifyIntelligentCaptcha",
    version: "2023-03-05",
    params: {
      CaptchaVerifyParam: answer.captchaVerifyParam,
      SceneId: config.sceneId,
    },
    body: "",
    date: new Date(call.now()).toISOString().replace(/\.\d+Z$/, "Z"),
    nonce: hex(crypto.getRandomValues(new Uint8Array(16))),
  }, config);
  const answered = await callOutside({
    url,
    init: {
      method: "POST",
      headers: { ...headers, accept: "application/json" },
    },
    fetch: call.fetch,
    timeoutMs: call.timeoutMs,
  });
  if (!answered.ok) {
    return { ok: false, reason: "failed", error: answered.error };
  }
  const parsed = reply.safeParse(parseJson(answered.text));
  const requestId = (parsed.success ? parsed.data.RequestId : undefined) ??
    answered.headers.get("x-acs-request-id")?.slice(0, 100);
  if (answered.status !== 200 || !parsed.success) {
    const error = answered.status === 200
      ? "malformed_reply"
      : parsed.success && parsed.data.Code
      ? parsed.data.Code
      : `HTTP ${answered.status}`;
    return { ok: false, reason: "failed", error, requestId };
  }
  const { Success, Code, Result } = parsed.data;
  if (Success === false || !Result) {
    return {
      ok: false,
      reason: "failed",
      error: Code ?? "malformed_reply",
      requestId,
    };
  }
  if (Result.VerifyResult) return { ok: true, requestId };
  const code = Result.VerifyCode ?? "F";
  return {
    ok: false,
    reason: STALE.has(code) ? "expired" : "wrong",
    error: code,
    requestId,
  };
}
