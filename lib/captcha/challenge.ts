// The challenge a form answers where abuse is likely (before an SMS, past the login limit): the app's
// own image code, or, with CAPTCHA_PROVIDER, a captcha service's widget whose ticket the server checks
// with that service. Forms carry the answer in the service's own field names:
//
// | CAPTCHA_PROVIDER | fields                    | checked by                                  |
// | ---------------- | ------------------------- | ------------------------------------------- |
// | image (default)  | `image_code`, `uuid`      | lib/captcha/image_codes.ts                  |
// | tencent          | `ticket`, `randstr`       | DescribeCaptchaResult (vendors/tencent.ts)  |
// | aliyun           | `captcha_verify_param`    | VerifyIntelligentCaptcha (vendors/aliyun.ts)|
//
// Each service call leaves one log line (no ticket in it) an operator can trace.
import type { App } from "@/lib/app/app.ts";
import { messages } from "@/lib/messages.ts";
import { verifyImageCode } from "./image_codes.ts";
import { verifyAliyunParam } from "./vendors/aliyun.ts";
import { verifyTencentTicket } from "./vendors/tencent.ts";
import type { VendorVerdict } from "./vendors/verdict.ts";

/** What a form carried toward the challenge, and the browser that sent it. */
export interface ChallengeAnswer {
  /** The browser's id (lib/http/browser_id.ts): an image code answers only in the browser that drew it. */
  browser: string | null;
  uuid?: string;
  image_code?: string;
  ticket?: string;
  randstr?: string;
  captcha_verify_param?: string;
}

export type ChallengeCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "expired" | "wrong" | "unavailable" };

// A ticket is a few hundred characters, Aliyun's parameter a few thousand: anything far longer is no answer.
const MAX_FIELD = 8192;

/** The answer fields of a posted form (whatever CAPTCHA_PROVIDER is: the others are simply unread). */
export function challengeAnswer(
  fields: Partial<Record<string, string>>,
  browser: string | null,
): ChallengeAnswer {
  const field = (name: string) => {
    const value = fields[name];
    return value && value.length <= MAX_FIELD ? value : undefined;
  };
  return {
    browser,
    uuid: field("uuid"),
    image_code: field("image_code"),
    ticket: field("ticket"),
    randstr: field("randstr"),
    captcha_verify_param: field("captcha_verify_param"),
  };
}

/** Whether the form carried an answer at all (a missing one is asked for; it uses nothing up). */
export function isAnswered(app: App, answer: ChallengeAnswer): boolean {
  switch (app.config.captcha.provider) {
    case "image":
      return Boolean(answer.image_code);
    case "tencent":
      return Boolean(answer.ticket);
    case "aliyun":
      return Boolean(answer.captcha_verify_param);
  }
}

/** Checks `answer`; an image code or a ticket is used up by any check. */
export async function verifyChallenge(
  app: App,
  answer: ChallengeAnswer,
  clientAddress: string,
): Promise<ChallengeCheck> {
  const { captcha } = app.config;
  if (captcha.provider === "image") {
    return await verifyImageCode(
      app,
      answer.uuid,
      answer.image_code,
      answer.browser,
    );
  }
  if (!isAnswered(app, answer)) return { ok: false, reason: "missing" };
  const call = { fetch: app.fetch, now: app.now };
  let verdict: VendorVerdict;
  try {
    verdict = captcha.provider === "tencent"
      ? await verifyTencentTicket(captcha.tencent, {
        ticket: answer.ticket!,
        randstr: answer.randstr ?? "",
        userIp: clientAddress,
      }, call)
      : await verifyAliyunParam(captcha.aliyun, {
        captchaVerifyParam: answer.captcha_verify_param!,
      }, call);
  } catch {
    // Signing works on what the config checked; anything thrown here is the service's fault, not the user's.
    verdict = { ok: false, reason: "failed", error: "network" };
  }
  const line = JSON.stringify({
    event: "captcha_verify",
    provider: captcha.provider,
    requestId: verdict.requestId ?? null,
    outcome: verdict.ok ? "passed" : verdict.reason,
    ...(verdict.ok ? {} : { error: verdict.error }),
  });
  if (verdict.ok || verdict.reason !== "failed") console.log(line);
  else console.error(line);
  if (verdict.ok) return { ok: true };
  return {
    ok: false,
    reason: verdict.reason === "failed" ? "unavailable" : verdict.reason,
  };
}

/** What the form says for a failed check: the contract's image code messages, or the service's. */
export function challengeMessage(
  app: App,
  reason: Extract<ChallengeCheck, { ok: false }>["reason"],
): string {
  if (app.config.captcha.provider === "image") {
    return {
      missing: messages.imageCodeMissing,
      expired: messages.imageCodeExpired,
      wrong: messages.imageCodeWrong,
      unavailable: messages.captchaUnavailable,
    }[reason];
  }
  return {
    missing: messages.captchaMissing,
    expired: messages.captchaExpired,
    wrong: messages.captchaWrong,
    unavailable: messages.captchaUnavailable,
  }[reason];
}
