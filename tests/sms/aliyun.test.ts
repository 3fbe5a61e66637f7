import { deepEqual, equal, ok } from "node:assert/strict";
import { canonicalQuery, signAcs3 } from "@/lib/core/signing/acs3.ts";
import { aliyunGateway } from "@/lib/sms/gateways/aliyun.ts";
import { START } from "@/tests/_app.ts";
import {
  type AliyunBehaviour,
  startAliyunStub,
  STUB_REQUEST_ID,
  verifyAcs3,
} from "./_aliyun_stub.ts";
import {
  ANSWERED_WITHIN_MS,
  sendThroughStub,
  type StubbedGateway,
  testGatewayStories,
} from "./_gateway_stories.ts";

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

const ALIYUN: StubbedGateway<AliyunBehaviour, Record<string, string>> = {
  id: "aliyun",
  name: "Aliyun",
  requestId: STUB_REQUEST_ID,
  secret: SETTINGS.accessKeySecret,
  startStub: (behaviour) =>
    startAliyunStub(SETTINGS.accessKeyId, SETTINGS.accessKeySecret, behaviour),
  connect: (stub, { secret, timeoutMs = ANSWERED_WITHIN_MS } = {}) =>
    aliyunGateway({
      ...SETTINGS,
      accessKeySecret: secret ?? SETTINGS.accessKeySecret,
      endpoint: stub.url,
    }, { fetch, now: () => START, timeoutMs }),
};

Deno.test("a code Aliyun accepts is sent, to the plain mobile, as a string parameter", async () => {
  const { delivery, stub } = await sendThroughStub(ALIYUN, "sent");
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
  const stub = ALIYUN.startStub("sent");
  try {
    const gateway = ALIYUN.connect(stub);
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

testGatewayStories(ALIYUN, {
  failures: [
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
  ],
  redirectStatus: 302,
  wrongSecret: {
    story:
      "a wrong AccessKey secret fails Aliyun's signature check and the send",
    error: "SignatureDoesNotMatch",
  },
  logged: [
    ["sent", "sent"],
    ["rate_limited", "rate_limited", "isv.BUSINESS_LIMIT_CONTROL"],
    ["bad_number", "failed", "isv.MOBILE_NUMBER_ILLEGAL"],
  ],
});
