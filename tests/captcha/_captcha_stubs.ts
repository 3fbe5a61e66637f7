// Stand-ins for 腾讯云 验证码 (DescribeCaptchaResult) and 阿里云 验证码2.0 (VerifyIntelligentCaptcha):
// each checks the request's signature as the service does (tests/sms's verifiers, which recompute it
// from what arrived), then answers a ticket as the test says: one it passed, an old one, a forged one.
import {
  HANG,
  json,
  startStubServer,
  type StubServer,
} from "@/tests/sms/_stub_server.ts";
import { verifyTc3 } from "@/tests/sms/_tencent_stub.ts";
import { verifyAcs3 } from "@/tests/sms/_aliyun_stub.ts";

/** How the stub answers the next ticket. */
export type TicketBehaviour =
  | "by_ticket"
  | "service_error"
  | "garbage"
  | "hang";

export interface CaptchaStub extends StubServer {
  behaviour: TicketBehaviour;
  /** Tickets (or Aliyun's parameters) the service passed: each answers once, then is "used". */
  passed: Set<string>;
  /** What each request that passed the signature check asked. */
  asked: Record<string, unknown>[];
}

export const TENCENT = {
  secretId: "AKIDcaptchaTest0000000000000000000001",
  secretKey: "captchaTestSecretKey000000000000001",
  appId: "190000001",
  appSecretKey: "appSecretKeyForTheCaptchaApp0001",
};

export const ALIYUN = {
  accessKeyId: "LTAIcaptchaTest000000001",
  accessKeySecret: "captchaTestAccessKeySecret00000001",
  sceneId: "1ug4aptr",
  prefix: "fsgtmi",
};

function stub(
  answer: (request: Request, body: string, stub: CaptchaStub) => Promise<
    Response
  >,
): CaptchaStub {
  const captcha: CaptchaStub = {
    ...startStubServer(async ({ request, body }) => {
      if (captcha.behaviour === "hang") return HANG;
      if (captcha.behaviour === "garbage") {
        return new Response("<html>502 Bad Gateway</html>", { status: 200 });
      }
      return await answer(request, body, captcha);
    }),
    behaviour: "by_ticket",
    passed: new Set(),
    asked: [],
  };
  return captcha;
}

/** 腾讯云 验证码's DescribeCaptchaResult, on a free loopback port. */
export function startTencentCaptchaStub(now: () => number): CaptchaStub {
  const used = new Set<string>();
  return stub(async (request, body, captcha) => {
    const verdict = await verifyTc3(
      request,
      body,
      { [TENCENT.secretId]: TENCENT.secretKey },
      "captcha",
      now(),
    );
    const answer = (fields: Record<string, unknown>) =>
      json({ Response: { ...fields, RequestId: "0b1ee4a7-captcha-stub" } });
    if (!verdict.ok) {
      return answer({ Error: { Code: verdict.code, Message: "auth failed" } });
    }
    if (
      request.headers.get("x-tc-action") !== "DescribeCaptchaResult" ||
      request.headers.get("x-tc-version") !== "2019-07-22"
    ) {
      return answer({ Error: { Code: "InvalidAction", Message: "" } });
    }
    const asked = JSON.parse(body);
    captcha.asked.push(asked);
    if (captcha.behaviour === "service_error") {
      return answer({
        Error: { Code: "InternalError", Message: "internal error" },
      });
    }
    if (
      asked.CaptchaType !== 9 || asked.CaptchaAppId !== Number(TENCENT.appId) ||
      asked.AppSecretKey !== TENCENT.appSecretKey
    ) {
      return answer({ CaptchaCode: 16, CaptchaMsg: "appid-ticket mismatch" });
    }
    const key = `${asked.Ticket}|${asked.Randstr}`;
    if (used.has(key)) {
      return answer({ CaptchaCode: 9, CaptchaMsg: "ticket reused" });
    }
    if (!captcha.passed.has(key)) {
      return answer({ CaptchaCode: 15, CaptchaMsg: "decrypt fail" });
    }
    used.add(key);
    return answer({ CaptchaCode: 1, CaptchaMsg: "OK", EvilLevel: 0 });
  });
}

/** 阿里云 验证码2.0's VerifyIntelligentCaptcha, on a free loopback port. */
export function startAliyunCaptchaStub(): CaptchaStub {
  const used = new Set<string>();
  return stub(async (request, body, captcha) => {
    const answer = (result: unknown, status = 200) =>
      json({
        RequestId: "F655A8D5-CAPTCHA-STUB",
        Success: status === 200,
        Code: status === 200 ? "Success" : "ServiceUnavailable",
        Message: "",
        ...(result ? { Result: result } : {}),
      }, status);
    const verdict = await verifyAcs3(request, body, {
      [ALIYUN.accessKeyId]: ALIYUN.accessKeySecret,
    });
    if (!verdict.ok) {
      return json({ RequestId: "x", Code: verdict.code, Message: "" }, 400);
    }
    if (
      request.headers.get("x-acs-action") !== "VerifyIntelligentCaptcha" ||
      request.headers.get("x-acs-version") !== "2023-03-05"
    ) {
      return json({ RequestId: "x", Code: "InvalidAction" }, 400);
    }
    const asked = Object.fromEntries(new URL(request.url).searchParams);
    captcha.asked.push(asked);
    if (captcha.behaviour === "service_error") return answer(null, 503);
    const param = asked.CaptchaVerifyParam;
    if (asked.SceneId !== ALIYUN.sceneId) {
      return answer({ VerifyResult: false, VerifyCode: "F012" });
    }
    if (used.has(param)) {
      return answer({ VerifyResult: false, VerifyCode: "F008" });
    }
    if (!captcha.passed.has(param)) {
      return answer({ VerifyResult: false, VerifyCode: "F003" });
    }
    used.add(param);
    return answer({ VerifyResult: true, VerifyCode: "T001" });
  });
}
