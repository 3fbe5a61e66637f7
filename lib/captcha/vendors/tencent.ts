// 腾讯云 验证码: the server's check of the ticket the page's widget got, DescribeCaptchaResult (API
// 2019-07-22) signed with TC3-HMAC-SHA256. A ticket is good once, for 5 minutes.
import * as z from "zod/mini";
import type { TencentCaptchaConfig } from "@/lib/app/config.ts";
import { callTencentCloud } from "@/lib/core/cloud_api.ts";
import type { VendorCall, VendorVerdict } from "./verdict.ts";

const reply = z.object({
  Response: z.object({
    RequestId: z.optional(z.string().check(z.maxLength(100))),
    Error: z.optional(
      z.object({ Code: z.string().check(z.minLength(1), z.maxLength(100)) }),
    ),
    CaptchaCode: z.optional(z.number()),
  }),
});

// CaptchaCode 1 passes; 8 is a ticket past its 5 minutes, 9 one used already. Every other is a ticket
// that isn't right (forged, another app's, a wrong randstr).
const PASSED = 1;
const STALE = new Set([8, 9]);

export async function verifyTencentTicket(
  config: TencentCaptchaConfig,
  answer: { ticket: string; randstr: string; userIp: string },
  call: VendorCall,
): Promise<VendorVerdict> {
  const answered = await callTencentCloud(config, call, {
    endpoint: config.endpoint,
    service: "captcha",
    action: "DescribeCaptchaResult",
    version: "2019-07-22",
    payload: JSON.stringify({
      CaptchaType: 9,
      Ticket: answer.ticket,
      UserIp: answer.userIp,
      Randstr: answer.randstr,
      CaptchaAppId: Number(config.appId),
      AppSecretKey: config.appSecretKey,
    }),
    reply,
  });
  if (!answered.ok) return answered;
  const { status, reply: response, requestId } = answered;
  if (status !== 200 || !response) {
    const error = status === 200 ? "malformed_reply" : `HTTP ${status}`;
    return { ok: false, reason: "failed", error, requestId };
  }
  if (response.Error) {
    return {
      ok: false,
      reason: "failed",
      error: response.Error.Code,
      requestId,
    };
  }
  const code = response.CaptchaCode;
  if (code === PASSED) return { ok: true, requestId };
  if (code === undefined) {
    return { ok: false, reason: "failed", error: "malformed_reply", requestId };
  }
  return {
    ok: false,
    reason: STALE.has(code) ? "expired" : "wrong",
    error: `CaptchaCode ${code}`,
    requestId,
  };
}
