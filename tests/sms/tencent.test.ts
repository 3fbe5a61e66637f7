import { deepEqual, equal } from "node:assert/strict";
import { tc3Authorization } from "@/lib/core/signing/tc3.ts";
import { tencentGateway } from "@/lib/sms/gateways/tencent.ts";
import { START } from "@/tests/_app.ts";
import {
  ANSWERED_WITHIN_MS,
  sendThroughStub,
  type StubbedGateway,
  testGatewayStories,
} from "./_gateway_stories.ts";
import {
  startTencentStub,
  STUB_REQUEST_ID,
  type TencentBehaviour,
  verifyTc3,
} from "./_tencent_stub.ts";

// The worked example of Tencent Cloud's API 3.0 "Signature v3" (TC3-HMAC-SHA256): CVM's
// DescribeInstances in Guangzhou, with the payload's hash, the canonical request's hash and the signature.
const EXAMPLE = {
  secretId: "AKID**********************0123456789EXAMPLE",
  secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
  url: "https://cvm.tencentcloudapi.com/",
  timestamp: 1551113065,
  contentType: "application/json; charset=utf-8",
  payload:
    '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  authorization:
    "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
};

function exampleRequest(
  headers: Record<string, string> = {},
  payload = EXAMPLE.payload,
): Request {
  return new Request(EXAMPLE.url, {
    method: "POST",
    headers: {
      authorization: EXAMPLE.authorization,
      "content-type": EXAMPLE.contentType,
      "x-tc-action": "DescribeInstances",
      "x-tc-timestamp": String(EXAMPLE.timestamp),
      "x-tc-version": "2017-03-12",
      "x-tc-region": "ap-guangzhou",
      ...headers,
    },
    body: payload,
  });
}

Deno.test("the signature is Tencent's worked example", async () => {
  const authorization = await tc3Authorization({
    url: new URL(EXAMPLE.url),
    service: "cvm",
    headers: { "content-type": EXAMPLE.contentType },
    payload: EXAMPLE.payload,
    timestamp: EXAMPLE.timestamp,
  }, EXAMPLE);
  equal(authorization, EXAMPLE.authorization);
});

Deno.test("the stub's verifier accepts Tencent's worked example and refuses it altered", async () => {
  const secrets = { [EXAMPLE.secretId]: EXAMPLE.secretKey };
  const verify = (request: Request, service = "cvm") =>
    request.clone().text().then((body) =>
      verifyTc3(request, body, secrets, service)
    );
  deepEqual(await verify(exampleRequest()), { ok: true });
  deepEqual(
    await verify(exampleRequest({}, EXAMPLE.payload.replace("1", "2"))),
    { ok: false, code: "AuthFailure.SignatureFailure" },
  );
  deepEqual(
    await verify(exampleRequest({ "content-type": "application/json" })),
    { ok: false, code: "AuthFailure.SignatureFailure" },
  );
  deepEqual(
    await verify(exampleRequest({ "x-tc-timestamp": "1551199465" })),
    { ok: false, code: "AuthFailure.InvalidAuthorization" },
    "a timestamp of another day than the credential's",
  );
  deepEqual(await verify(exampleRequest(), "sms"), {
    ok: false,
    code: "AuthFailure.InvalidAuthorization",
  });
  deepEqual(
    await verifyTc3(exampleRequest(), EXAMPLE.payload, { other: "key" }, "cvm"),
    { ok: false, code: "AuthFailure.SecretIdNotFound" },
  );
  deepEqual(
    await verifyTc3(
      exampleRequest(),
      EXAMPLE.payload,
      secrets,
      "cvm",
      (EXAMPLE.timestamp + 301) * 1000,
    ),
    { ok: false, code: "AuthFailure.SignatureExpire" },
  );
});

const SETTINGS = {
  secretId: "AKIDtestSecretId",
  secretKey: "test-secret-key-never-logged",
  sdkAppId: "1400006666",
  signName: "腾讯云",
  templateId: "1110",
  region: "ap-guangzhou",
};

const TENCENT: StubbedGateway<TencentBehaviour, Record<string, unknown>> = {
  id: "tencent",
  name: "Tencent",
  requestId: STUB_REQUEST_ID,
  secret: SETTINGS.secretKey,
  startStub: (behaviour) =>
    startTencentStub(
      SETTINGS.secretId,
      SETTINGS.secretKey,
      () => START,
      behaviour,
    ),
  connect: (stub, { secret, timeoutMs = ANSWERED_WITHIN_MS } = {}) =>
    tencentGateway({
      ...SETTINGS,
      secretKey: secret ?? SETTINGS.secretKey,
      endpoint: stub.url,
    }, { fetch, now: () => START, timeoutMs }),
};

Deno.test("a code Tencent accepts is sent to +86 and the mobile, with the code and its minutes as strings", async () => {
  const { delivery, stub } = await sendThroughStub(TENCENT, "sent");
  deepEqual(delivery, { ok: true, requestId: STUB_REQUEST_ID });
  deepEqual(stub.sends, [{
    PhoneNumberSet: ["+8613800138000"],
    SmsSdkAppId: SETTINGS.sdkAppId,
    SignName: SETTINGS.signName,
    TemplateId: SETTINGS.templateId,
    TemplateParamSet: ["012345", "5"],
  }]);
  const { request } = stub.requests[0];
  equal(request.headers.get("x-tc-region"), "ap-guangzhou");
  equal(request.headers.get("x-tc-timestamp"), String(START / 1000));
});

Deno.test("a life that is not whole minutes is rounded up", async () => {
  const { stub } = await sendThroughStub(TENCENT, "sent", { ttl: 90 });
  deepEqual(
    (stub.sends[0] as { TemplateParamSet: string[] }).TemplateParamSet,
    ["012345", "2"],
  );
});

testGatewayStories(TENCENT, {
  failures: [
    [
      "Tencent's own limit on the mobile, reported for the number, is a rate limit",
      "rate_limited",
      {
        ok: false,
        reason: "rate_limited",
        error: "LimitExceeded.PhoneNumberThirtySecondLimit",
        requestId: STUB_REQUEST_ID,
      },
    ],
    [
      "Tencent's own limit on the mobile, reported for the request, is a rate limit",
      "rate_limited_request",
      {
        ok: false,
        reason: "rate_limited",
        error: "LimitExceeded.PhoneNumberDailyLimit",
        requestId: STUB_REQUEST_ID,
      },
    ],
    [
      "a number Tencent refuses inside a successful answer is a failure",
      "bad_number",
      {
        ok: false,
        reason: "failed",
        error: "InvalidParameterValue.IncorrectPhoneNumber",
        requestId: STUB_REQUEST_ID,
      },
    ],
  ],
  redirectStatus: 307,
  wrongSecret: {
    story: "a wrong SecretKey fails Tencent's signature check and the send",
    error: "AuthFailure.SignatureFailure",
  },
  logged: [
    ["sent", "sent"],
    [
      "rate_limited",
      "rate_limited",
      "LimitExceeded.PhoneNumberThirtySecondLimit",
    ],
    ["bad_number", "failed", "InvalidParameterValue.IncorrectPhoneNumber"],
  ],
});

Deno.test("a clock more than five minutes off fails Tencent's check and the send", async () => {
  const stub = TENCENT.startStub("sent");
  try {
    const gateway = tencentGateway({ ...SETTINGS, endpoint: stub.url }, {
      fetch,
      now: () => START - 301_000,
    });
    deepEqual(await gateway.send("13800138000", "012345", 300, "signup"), {
      ok: false,
      reason: "failed",
      error: "AuthFailure.SignatureExpire",
      requestId: STUB_REQUEST_ID,
    });
  } finally {
    await stub.close();
  }
});
