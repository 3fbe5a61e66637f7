// A stand-in for Aliyun's Dysmsapi that checks each request's ACS3-HMAC-SHA256 signature the way
// Aliyun does (recomputed from what arrived, with the secret it knows), then answers as scripted.
import type { GatewayStub, StubBehaviour, Verdict } from "./_stub_server.ts";
import {
  HANG,
  hmac,
  json,
  sha256,
  startGatewayStub,
  toHex,
} from "./_stub_server.ts";

const AUTHORIZATION =
  /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
const MUST_SIGN = [
  "host",
  "x-acs-action",
  "x-acs-content-sha256",
  "x-acs-date",
  "x-acs-signature-nonce",
  "x-acs-version",
];

/** Checks `request`'s signature against `secrets` (AccessKey id → secret). */
export async function verifyAcs3(
  request: Request,
  body: string,
  secrets: Record<string, string>,
): Promise<Verdict> {
  const parts = AUTHORIZATION.exec(request.headers.get("authorization") ?? "");
  if (!parts) return { ok: false, code: "IncompleteSignature" };
  const [, keyId, signedHeaders, signature] = parts;
  const secret = secrets[keyId];
  if (secret === undefined) {
    return { ok: false, code: "InvalidAccessKeyId.NotFound" };
  }
  const names = signedHeaders.split(";");
  const present = [...request.headers.keys()].filter((name) =>
    name.startsWith("x-acs-") || name === "content-type"
  );
  if (
    names.join(";") !== [...names].sort().join(";") ||
    ![...MUST_SIGN, ...present].every((name) => names.includes(name))
  ) {
    return { ok: false, code: "IncompleteSignature" };
  }
  if (request.headers.get("x-acs-content-sha256") !== await sha256(body)) {
    return { ok: false, code: "SignatureDoesNotMatch" };
  }
  const url = new URL(request.url);
  const header = (name: string) =>
    (name === "host"
      ? request.headers.get("host") ?? url.host
      : request.headers.get(name) ?? "").trim();
  const canonical = [
    request.method,
    url.pathname,
    [...url.searchParams].map((
      [name, value],
    ) => [rfc3986(name), rfc3986(value)])
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([name, value]) => `${name}=${value}`).join("&"),
    names.map((name) => `${name}:${header(name)}\n`).join(""),
    signedHeaders,
    request.headers.get("x-acs-content-sha256"),
  ].join("\n");
  const expected = toHex(
    await hmac(secret, `ACS3-HMAC-SHA256\n${await sha256(canonical)}`),
  );
  return expected === signature
    ? { ok: true }
    : { ok: false, code: "SignatureDoesNotMatch" };
}

// Byte by byte over UTF-8: unreserved characters stay, everything else is %XX.
function rfc3986(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

export type AliyunBehaviour = StubBehaviour;

/** Its sends are the SendSms parameters. */
export type AliyunStub = GatewayStub<AliyunBehaviour, Record<string, string>>;

export const STUB_REQUEST_ID = "F655A8D5-B967-440B-8683-DAD6FF8DE990";

export function startAliyunStub(
  accessKeyId: string,
  accessKeySecret: string,
  behaviour: AliyunBehaviour = "sent",
): AliyunStub {
  return startGatewayStub(
    behaviour,
    async ({ request, body }, stub: AliyunStub) => {
      const verdict = await verifyAcs3(request, body, {
        [accessKeyId]: accessKeySecret,
      });
      if (!verdict.ok) {
        return json({
          RequestId: STUB_REQUEST_ID,
          HostId: "dysmsapi.aliyuncs.com",
          Code: verdict.code,
          Message: "Specified signature does not match our calculation.",
        }, verdict.code === "InvalidAccessKeyId.NotFound" ? 404 : 400);
      }
      if (
        request.headers.get("x-acs-action") !== "SendSms" ||
        request.headers.get("x-acs-version") !== "2017-05-25"
      ) {
        return json({ RequestId: STUB_REQUEST_ID, Code: "InvalidAction" }, 400);
      }
      stub.sends.push(Object.fromEntries(new URL(request.url).searchParams));
      switch (stub.behaviour) {
        case "sent":
          return json({
            Message: "OK",
            RequestId: STUB_REQUEST_ID,
            Code: "OK",
            BizId: "900619746936498440^0",
          });
        case "rate_limited":
          return json({
            Message: "触发分钟级流控Permits:1",
            RequestId: STUB_REQUEST_ID,
            Code: "isv.BUSINESS_LIMIT_CONTROL",
          });
        case "bad_number":
          return json({
            Message: "手机号码格式错误",
            RequestId: STUB_REQUEST_ID,
            Code: "isv.MOBILE_NUMBER_ILLEGAL",
          });
        case "garbage":
          return new Response("<html><body>502 Bad Gateway</body></html>", {
            headers: { "content-type": "text/html" },
          });
        case "redirect":
          return new Response(null, {
            status: 302,
            headers: { location: "/elsewhere" },
          });
        case "hang":
          return HANG;
      }
    },
  );
}
