import { deepEqual, equal, ok } from "node:assert/strict";
import type { TencentSmsConfig } from "@/lib/config.ts";
import { tc3Authorization } from "@/lib/sms/_tc3.ts";
import { tencentGateway } from "@/lib/sms/tencent.ts";
import { deliverSmsCode, type SmsDelivery } from "@/lib/sms/gateway.ts";
import { START } from "@/tests/_app.ts";
import { capturingLogs } from "./_logs.ts";
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

async function sendThroughStub(
  behaviour: TencentBehaviour,
  options: { key?: string; timeoutMs?: number; ttl?: number } = {},
) {
  const now = () => START;
  const stub = startTencentStub(
    SETTINGS.secretId,
    SETTINGS.secretKey,
    now,
    behaviour,
  );
  const config: TencentSmsConfig = {
    ...SETTINGS,
    secretKey: options.key ?? SETTINGS.secretKey,
    endpoint: stub.url,
  };
  try {
    const gateway = tencentGateway(config, {
      fetch,
      now,
      timeoutMs: options.timeoutMs,
    });
    const delivery = await gateway.send(
      "13800138000",
      "012345",
      options.ttl ?? 300,
      "signup",
    );
    return { delivery, stub };
  } finally {
    await stub.close();
  }
}

Deno.test("a code Tencent accepts is sent to +86 and the mobile, with the code and its minutes as strings", async () => {
  const { delivery, stub } = await sendThroughStub("sent");
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
  const { stub } = await sendThroughStub("sent", { ttl: 90 });
  deepEqual(
    (stub.sends[0] as { TemplateParamSet: string[] }).TemplateParamSet,
    ["012345", "2"],
  );
});

const failures: [string, TencentBehaviour, SmsDelivery][] = [
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
  ["an answer that is not Tencent's JSON is a failure", "garbage", {
    ok: false,
    reason: "failed",
    error: "malformed_reply",
    requestId: undefined,
  }],
  ["a redirect is a failure, never followed", "redirect", {
    ok: false,
    reason: "failed",
    error: "HTTP 307",
    requestId: undefined,
  }],
];

for (const [story, behaviour, expected] of failures) {
  Deno.test(story, async () => {
    const { delivery, stub } = await sendThroughStub(behaviour);
    deepEqual(delivery, expected);
    equal(stub.requests.length, 1, "one request, and nothing after it");
  });
}

Deno.test("a wrong SecretKey fails Tencent's signature check and the send", async () => {
  const { delivery, stub } = await sendThroughStub("sent", {
    key: "not-the-key",
  });
  deepEqual(delivery, {
    ok: false,
    reason: "failed",
    error: "AuthFailure.SignatureFailure",
    requestId: STUB_REQUEST_ID,
  });
  deepEqual(stub.sends, [], "the stub sent nothing");
});

Deno.test("a clock more than five minutes off fails Tencent's check and the send", async () => {
  const stub = startTencentStub(
    SETTINGS.secretId,
    SETTINGS.secretKey,
    () => START,
  );
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

Deno.test("no answer within the timeout is a failure", async () => {
  const { delivery } = await sendThroughStub("hang", { timeoutMs: 100 });
  deepEqual(delivery, { ok: false, reason: "failed", error: "timeout" });
});

Deno.test("each send logs one line with the masked mobile, the gateway, its request id and the outcome, and no secret", async () => {
  for (
    const [behaviour, outcome, error] of [
      ["sent", "sent", undefined],
      [
        "rate_limited",
        "rate_limited",
        "LimitExceeded.PhoneNumberThirtySecondLimit",
      ],
      ["bad_number", "failed", "InvalidParameterValue.IncorrectPhoneNumber"],
    ] as const
  ) {
    const stub = startTencentStub(
      SETTINGS.secretId,
      SETTINGS.secretKey,
      () => START,
      behaviour,
    );
    const gateway = tencentGateway({ ...SETTINGS, endpoint: stub.url }, {
      fetch,
      now: () => START,
    });
    const lines = await capturingLogs(() =>
      deliverSmsCode(gateway, "tencent", {
        mobile: "13800138000",
        code: "012345",
        ttlSeconds: 300,
        purpose: "signup",
      })
    );
    await stub.close();
    equal(lines.length, 1, behaviour);
    deepEqual(JSON.parse(lines[0]), {
      event: "sms_send",
      gateway: "tencent",
      mobile: "138****8000",
      purpose: "signup",
      requestId: STUB_REQUEST_ID,
      outcome,
      ...(error ? { error } : {}),
    });
    for (const secret of [SETTINGS.secretKey, "012345", "13800138000"]) {
      ok(!lines[0].includes(secret), `${secret} stays out of the log`);
    }
  }
});
