import { deepEqual, equal, ok } from "node:assert/strict";
import type { AliyunSmsConfig } from "@/lib/config.ts";
import { canonicalQuery, signAcs3 } from "@/lib/sms/_acs3.ts";
import { aliyunGateway } from "@/lib/sms/aliyun.ts";
import { deliverSmsCode, type SmsDelivery } from "@/lib/sms/gateway.ts";
import { START } from "@/tests/_app.ts";
import {
  type AliyunBehaviour,
  startAliyunStub,
  STUB_REQUEST_ID,
  verifyAcs3,
} from "./_aliyun_stub.ts";
import { capturingLogs } from "./_logs.ts";

// The worked example of Aliyun's "Request syntax and signature method V3", section "Signature
// examples" (fixed parameter values), with the canonical request's hash and the signature it gives.
const EXAMPLE = {
  accessKeyId: "YourAccessKeyId",
  accessKeySecret: "YourAccessKeySecret",
  url: "https://ecs.cn-shanghai.aliyuncs.com/",
  action: "RunInstances",
  version: "2014-05-26",
  date: "2023-10-26T10:22:32Z",
  nonce: "3156853299f313e23d1673dc12e1703d",
  params: {
    ImageId: "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
    RegionId: "cn-shanghai",
  },
  authorization:
    "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
  emptyBodySha256:
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
};

function exampleRequest(headers: Record<string, string> = {}): Request {
  const url = new URL(EXAMPLE.url);
  url.search = canonicalQuery(EXAMPLE.params);
  return new Request(url, {
    method: "POST",
    headers: {
      authorization: EXAMPLE.authorization,
      "x-acs-action": EXAMPLE.action,
      "x-acs-version": EXAMPLE.version,
      "x-acs-date": EXAMPLE.date,
      "x-acs-signature-nonce": EXAMPLE.nonce,
      "x-acs-content-sha256": EXAMPLE.emptyBodySha256,
      ...headers,
    },
  });
}

Deno.test("the signature is Aliyun's worked example", async () => {
  const { url, headers } = await signAcs3({
    method: "POST",
    url: new URL(EXAMPLE.url),
    action: EXAMPLE.action,
    version: EXAMPLE.version,
    params: EXAMPLE.params,
    body: "",
    date: EXAMPLE.date,
    nonce: EXAMPLE.nonce,
  }, EXAMPLE);
  equal(headers.authorization, EXAMPLE.authorization);
  equal(headers["x-acs-content-sha256"], EXAMPLE.emptyBodySha256);
  equal(
    url.search,
    "?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
  );
});

Deno.test("parameters are percent-encoded as RFC 3986 says: %20 for a space, * and ' encoded, ~ kept", () => {
  equal(
    canonicalQuery({ b: "a b*c~d'(!)", a: '短信{"code":"012345"}' }),
    "a=%E7%9F%AD%E4%BF%A1%7B%22code%22%3A%22012345%22%7D&b=a%20b%2Ac~d%27%28%21%29",
  );
});

Deno.test("the stub's verifier accepts Aliyun's worked example and refuses it altered", async () => {
  const secrets = { [EXAMPLE.accessKeyId]: EXAMPLE.accessKeySecret };
  deepEqual(await verifyAcs3(exampleRequest(), "", secrets), { ok: true });
  deepEqual(
    await verifyAcs3(
      exampleRequest({ "x-acs-date": "2023-10-26T10:22:33Z" }),
      "",
      secrets,
    ),
    { ok: false, code: "SignatureDoesNotMatch" },
  );
  deepEqual(
    await verifyAcs3(exampleRequest(), "", {
      [EXAMPLE.accessKeyId]: "AnotherSecret",
    }),
    { ok: false, code: "SignatureDoesNotMatch" },
  );
  deepEqual(
    await verifyAcs3(
      exampleRequest({ "x-acs-extra": "unsigned" }),
      "",
      secrets,
    ),
    { ok: false, code: "IncompleteSignature" },
    "an x-acs- header left out of the signature",
  );
  deepEqual(
    await verifyAcs3(exampleRequest(), "", { someoneElse: "secret" }),
    { ok: false, code: "InvalidAccessKeyId.NotFound" },
  );
});

const SETTINGS = {
  accessKeyId: "LTAI5tTestKeyId",
  accessKeySecret: "test-access-key-secret-never-logged",
  signName: "阿里云短信测试",
  templateCode: "SMS_154950909",
};

async function sendThroughStub(
  behaviour: AliyunBehaviour,
  options: { secret?: string; timeoutMs?: number } = {},
) {
  const stub = startAliyunStub(
    SETTINGS.accessKeyId,
    SETTINGS.accessKeySecret,
    behaviour,
  );
  const config: AliyunSmsConfig = {
    ...SETTINGS,
    accessKeySecret: options.secret ?? SETTINGS.accessKeySecret,
    endpoint: stub.url,
  };
  try {
    const gateway = aliyunGateway(config, {
      fetch,
      now: () => START,
      timeoutMs: options.timeoutMs,
    });
    const delivery = await gateway.send("13800138000", "012345", 300, "signup");
    return { delivery, stub };
  } finally {
    await stub.close();
  }
}

Deno.test("a code Aliyun accepts is sent, to the plain mobile, as a string parameter", async () => {
  const { delivery, stub } = await sendThroughStub("sent");
  deepEqual(delivery, { ok: true, requestId: STUB_REQUEST_ID });
  deepEqual(stub.sends, [{
    PhoneNumbers: "13800138000",
    SignName: SETTINGS.signName,
    TemplateCode: SETTINGS.templateCode,
    TemplateParam: '{"code":"012345"}',
  }]);
  const { request } = stub.requests[0];
  equal(request.method, "POST");
  equal(
    request.headers.get("x-acs-date"),
    new Date(START).toISOString().replace(".000Z", "Z"),
  );
});

Deno.test("each send has a nonce of its own", async () => {
  const stub = startAliyunStub(SETTINGS.accessKeyId, SETTINGS.accessKeySecret);
  try {
    const gateway = aliyunGateway({ ...SETTINGS, endpoint: stub.url }, {
      fetch,
      now: () => START,
    });
    await gateway.send("13800138000", "111111", 300, "signup");
    await gateway.send("13800138000", "222222", 300, "signup");
    const [first, second] = stub.requests.map(({ request }) =>
      request.headers.get("x-acs-signature-nonce")
    );
    ok(first && second && first !== second);
  } finally {
    await stub.close();
  }
});

const failures: [string, AliyunBehaviour, SmsDelivery][] = [
  ["Aliyun's own limit on the mobile is a rate limit", "rate_limited", {
    ok: false,
    reason: "rate_limited",
    error: "isv.BUSINESS_LIMIT_CONTROL",
    requestId: STUB_REQUEST_ID,
  }],
  ["a mobile Aliyun refuses is a failure", "bad_number", {
    ok: false,
    reason: "failed",
    error: "isv.MOBILE_NUMBER_ILLEGAL",
    requestId: STUB_REQUEST_ID,
  }],
  ["an answer that is not Aliyun's JSON is a failure", "garbage", {
    ok: false,
    reason: "failed",
    error: "malformed_reply",
    requestId: undefined,
  }],
  ["a redirect is a failure, never followed", "redirect", {
    ok: false,
    reason: "failed",
    error: "HTTP 302",
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

Deno.test("a wrong AccessKey secret fails Aliyun's signature check and the send", async () => {
  const { delivery, stub } = await sendThroughStub("sent", {
    secret: "not-the-secret",
  });
  deepEqual(delivery, {
    ok: false,
    reason: "failed",
    error: "SignatureDoesNotMatch",
    requestId: STUB_REQUEST_ID,
  });
  deepEqual(stub.sends, [], "the stub sent nothing");
});

Deno.test("no answer within the timeout is a failure", async () => {
  const { delivery } = await sendThroughStub("hang", { timeoutMs: 100 });
  deepEqual(delivery, { ok: false, reason: "failed", error: "timeout" });
});

Deno.test("each send logs one line with the masked mobile, the gateway, its request id and the outcome, and no secret", async () => {
  for (
    const [behaviour, outcome] of [["sent", "sent"], [
      "rate_limited",
      "rate_limited",
    ], ["bad_number", "failed"]] as const
  ) {
    const stub = startAliyunStub(
      SETTINGS.accessKeyId,
      SETTINGS.accessKeySecret,
      behaviour,
    );
    const gateway = aliyunGateway({ ...SETTINGS, endpoint: stub.url }, {
      fetch,
      now: () => START,
    });
    const lines = await capturingLogs(() =>
      deliverSmsCode(gateway, "aliyun", {
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
      gateway: "aliyun",
      mobile: "138****8000",
      purpose: "signup",
      requestId: STUB_REQUEST_ID,
      outcome,
      ...(outcome === "sent" ? {} : {
        error: behaviour === "rate_limited"
          ? "isv.BUSINESS_LIMIT_CONTROL"
          : "isv.MOBILE_NUMBER_ILLEGAL",
      }),
    });
    for (
      const secret of [SETTINGS.accessKeySecret, "012345", "13800138000"]
    ) {
      ok(!lines[0].includes(secret), `${secret} stays out of the log`);
    }
  }
});
