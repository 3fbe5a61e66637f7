// 阿里云 验证码2.0: the server's check of the CaptchaVerifyParam the page's widget got,
// VerifyIntelligentCaptcha (API 2023-03-05), RPC style, signed with ACS3-HMAC-SHA256.
import * as z from "zod/mini";
import type { AliyunCaptchaConfig } from "@/lib/app/config.ts";
import { callAliyunRpc } from "@/lib/core/cloud_api.ts";
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
  const answered = await callAliyunRpc(config, call, {
    endpoint: config.endpoint,
    action: "VerifyIntelligentCaptcha",
    version: "2023-03-05",
    params: {
      CaptchaVerifyParam: answer.captchaVerifyParam,
      SceneId: config.sceneId,
    },
    reply,
  });
  if (!answered.ok) return answered;
  const { status, reply: said, requestId } = answered;
  if (status !== 200 || !said) {
    const error = status === 200
      ? "malformed_reply"
      : said?.Code || `HTTP ${status}`;
    return { ok: false, reason: "failed", error, requestId };
  }
  const { Success, Code, Result } = said;
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
