// 腾讯云 验证码: the server's check of the ticket the page's widget got, DescribeCaptchaResult (API
// 2019-07-22) signed with TC3-HMAC-SHA256. A ticket is good once, for 5 minutes.
import * as z from "zod/mini";
import type { TencentCaptchaConfig } from "@/lib/app/config.ts";
import { callOutside, parseJson } from "@/lib/core/outbound.ts";
import { tc3Authorization } from "@/lib/core/signing/tc3.ts";
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
  const url = new URL(config.endpoint);
  const payload = JSON.stringify({
    CaptchaType: 9,
    Ticket: answer.ticket,
    UserIp: answer.userIp,
    Randstr: answer.randstr,
    CaptchaAppId: Number(config.appId),
    AppSecretKey: config.appSecretKey,
  });
  const timestamp = Math.floor(call.now() / 1000);
  const signed = {
    "content-type": "application/json; charset=utf-8",
    "x-tc-action": "DescribeCaptchaResult",
  };
  const authorization = await tc3Authorization({
    url,
    service: "captcha",
    headers: signed,
    payload,
    timestamp,
  }, config);
  const answered = await callOutside({
    url,
    fetch: call.fetch,
    timeoutMs: call.timeoutMs,
    init: {
      method: "POST",
      headers: {
        ...signed,
        authorization,
        "x-tc-version": "2019-07-22",
        "x-tc-timestamp": String(timestamp),
      },
      body: payload,
    },
  });
  if (!answered.ok) {
    return { ok: false, reason: "failed", error: answered.error };
  }
  const parsed = reply.safeParse(parseJson(answered.text));
  const response = parsed.success ? parsed.data.Response : undefined;
  const requestId = response?.RequestId;
  if (answered.status !== 200 || !response) {
    const error = answered.status === 200
      ? "malformed_reply"
      : `HTTP ${answered.status}`;
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
