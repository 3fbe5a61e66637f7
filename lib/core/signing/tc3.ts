// Tencent Cloud's API 3.0 signature, TC3-HMAC-SHA256, step by step as Tencent's "Signature v3"
// document describes it, for a POST of a JSON body.
import { hex, hmacSha256, sha256Hex } from "./hmac.ts";

export interface Tc3Request {
  url: URL;
  /** The product, as in the endpoint's name: `sms`. */
  service: string;
  /** Headers to sign besides host, names in lowercase; content-type is one of them. */
  headers: Record<string, string>;
  payload: string;
  /** Unix seconds; the credential's date is its UTC day. */
  timestamp: number;
}

export interface Tc3Credentials {
  secretId: string;
  secretKey: string;
}

/** The Authorization header for `request`. */
export async function tc3Authorization(
  request: Tc3Request,
  credentials: Tc3Credentials,
): Promise<string> {
  const signed: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
  };
  const names = Object.keys(signed).sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    "POST",
    request.url.pathname || "/",
    "",
    // Tencent lowercases the values as well as the names.
    names.map((name) => `${name}:${signed[name].trim().toLowerCase()}\n`)
      .join(""),
    signedHeaders,
    await sha256Hex(request.payload),
  ].join("\n");
  // The UTC day, not the local one: a request signed just after midnight in China is still yesterday's.
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [
    "TC3-HMAC-SHA256",
    request.timestamp,
    scope,
    await sha256Hex(canonicalRequest),
  ].join("\n");
  const secretDate = await hmacSha256(`TC3${credentials.secretKey}`, date);
  const secretService = await hmacSha256(secretDate, request.service);
  const secretSigning = await hmacSha256(secretService, "tc3_request");
  const signature = hex(await hmacSha256(secretSigning, stringToSign));
  return `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
