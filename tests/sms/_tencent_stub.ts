// A stand-in for Tencent Cloud's SMS API that checks each request's TC3-HMAC-SHA256 signature the
// way Tencent does (recomputed from what arrived, with the key it knows), then answers as scripted.
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
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/**
 * Checks `request`'s signature against `secrets` (SecretId → SecretKey) for `service`; with `now`
 * (milliseconds), also that it was signed within five minutes of it.
 */
export async function verifyTc3(
  request: Request,
  body: string,
  secrets: Record<string, string>,
  service: string,
  now?: number,
): Promise<Verdict> {
  const parts = AUTHORIZATION.exec(request.headers.get("authorization") ?? "");
  if (!parts) return { ok: false, code: "AuthFailure.InvalidAuthorization" };
  const [, secretId, date, signedService, signedHeaders, signature] = parts;
  const secretKey = secrets[secretId];
  if (secretKey === undefined) {
    return { ok: false, code: "AuthFailure.SecretIdNotFound" };
  }
  const timestamp = Number(request.headers.get("x-tc-timestamp"));
  const names = signedHeaders.split(";");
  if (
    signedService !== service || !Number.isInteger(timestamp) ||
    new Date(timestamp * 1000).toISOString().slice(0, 10) !== date ||
    !names.includes("content-type") || !names.includes("host")
  ) {
    return { ok: false, code: "AuthFailure.InvalidAuthorization" };
  }
  if (now !== undefined && Math.abs(now / 1000 - timestamp) > 300) {
    return { ok: false, code: "AuthFailure.SignatureExpire" };
  }
  const url = new URL(request.url);
  const header = (name: string) =>
    (name === "host"
      ? request.headers.get("host") ?? url.host
      : request.headers.get(name) ?? "").trim().toLowerCase();
  const canonical = [
    request.method,
    url.pathname,
    url.search.slice(1),
    names.map((name) => `${name}:${header(name)}\n`).join(""),
    signedHeaders,
    await sha256(body),
  ].join("\n");
  const stringToSign = [
    "TC3-HMAC-SHA256",
    timestamp,
    `${date}/${service}/tc3_request`,
    await sha256(canonical),
  ].join("\n");
  const secretDate = await hmac(`TC3${secretKey}`, date);
  const secretSigning = await hmac(
    await hmac(secretDate, service),
    "tc3_request",
  );
  const expected = toHex(await hmac(secretSigning, stringToSign));
  return expected === signature
    ? { ok: true }
    : { ok: false, code: "AuthFailure.SignatureFailure" };
}

/** Tencent reports its limit for the number, or (rate_limited_request) for the whole request. */
export type TencentBehaviour = StubBehaviour | "rate_limited_request";

/** Its sends are the SendSms bodies. */
export type TencentStub = GatewayStub<
  TencentBehaviour,
  Record<string, unknown>
>;

export const STUB_REQUEST_ID = "a0aabda6-cf91-4f3e-a81f-9198114a2279";

export function startTencentStub(
  secretId: string,
  secretKey: string,
  now: () => number,
  behaviour: TencentBehaviour = "sent",
): TencentStub {
  const answer = (fields: Record<string, unknown>) =>
    json({ Response: { ...fields, RequestId: STUB_REQUEST_ID } });
  const status = (phoneNumber: string, code: string, message: string) =>
    answer({
      SendStatusSet: [{
        SerialNo: code === "Ok" ? "5000:1045710669157053657849499619" : "",
        PhoneNumber: phoneNumber,
        Fee: code === "Ok" ? 1 : 0,
        SessionContext: "",
        Code: code,
        Message: message,
        IsoCode: "CN",
      }],
    });
  return startGatewayStub(
    behaviour,
    async ({ request, body }, stub: TencentStub) => {
      // Tencent answers auth failures with 200 and an Error, like every other failure.
      const verdict = await verifyTc3(
        request,
        body,
        { [secretId]: secretKey },
        "sms",
        now(),
      );
      if (!verdict.ok) {
        return answer({
          Error: {
            Code: verdict.code,
            Message:
              "The provided credentials could not be validated. Please check your signature is correct.",
          },
        });
      }
      if (
        request.headers.get("x-tc-action") !== "SendSms" ||
        request.headers.get("x-tc-version") !== "2021-01-11"
      ) {
        return answer({ Error: { Code: "InvalidAction", Message: "" } });
      }
      const sent = JSON.parse(body);
      stub.sends.push(sent);
      const phoneNumber = String(sent.PhoneNumberSet?.[0]);
      switch (stub.behaviour) {
        case "sent":
          return status(phoneNumber, "Ok", "send success");
        case "rate_limited":
          return status(
            phoneNumber,
            "LimitExceeded.PhoneNumberThirtySecondLimit",
            "the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit",
          );
        case "rate_limited_request":
          return answer({
            Error: {
              Code: "LimitExceeded.PhoneNumberDailyLimit",
              Message:
                "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
            },
          });
        case "bad_number":
          return status(
            phoneNumber,
            "InvalidParameterValue.IncorrectPhoneNumber",
            "incorrect phone number",
          );
        case "garbage":
          return new Response("upstream connect error", { status: 200 });
        case "redirect":
          return new Response(null, {
            status: 307,
            headers: { location: "/elsewhere" },
          });
        case "hang":
          return HANG;
      }
    },
  );
}
