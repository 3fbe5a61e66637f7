// Aliyun's V3 request signature, ACS3-HMAC-SHA256, step by step as Aliyun's "Request syntax and
// signature method V3" describes it (RPC style: the parameters travel in the query, the body is empty).
import { hex, hmacSha256, sha256Hex } from "./hmac.ts";

export interface Acs3Request {
  method: string;
  /** The endpoint URL; its host and path are signed, its query is replaced by `params`. */
  url: URL;
  action: string;
  version: string;
  params: Record<string, string>;
  body: string;
  /** ISO 8601 in UTC to the second, `2023-10-26T10:22:32Z`. */
  date: string;
  nonce: string;
}

export interface Acs3Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** The URL and headers to send for `request`, Authorization included. */
export async function signAcs3(
  request: Acs3Request,
  credentials: Acs3Credentials,
): Promise<{ url: URL; headers: Record<string, string> }> {
  const query = canonicalQuery(request.params);
  const signed: Record<string, string> = {
    host: request.url.host,
    "x-acs-action": request.action,
    "x-acs-content-sha256": await sha256Hex(request.body),
    "x-acs-date": request.date,
    "x-acs-signature-nonce": request.nonce,
    "x-acs-version": request.version,
  };
  const names = Object.keys(signed).sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    request.method,
    request.url.pathname || "/",
    query,
    names.map((name) => `${name}:${signed[name].trim()}\n`).join(""),
    signedHeaders,
    signed["x-acs-content-sha256"],
  ].join("\n");
  const stringToSign = `ACS3-HMAC-SHA256\n${await sha256Hex(
    canonicalRequest,
  )}`;
  const signature = hex(
    await hmacSha256(credentials.accessKeySecret, stringToSign),
  );
  const url = new URL(request.url);
  url.search = query;
  const { host: _host, ...headers } = signed;
  return {
    url,
    headers: {
      ...headers,
      authorization:
        `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
    },
  };
}

/** Parameters sorted by name, each name and value percent-encoded as RFC 3986 says (space is %20). */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params).sort().map((name) =>
    `${percentEncode(name)}=${percentEncode(params[name])}`
  ).join("&");
}

function percentEncode(text: string): string {
  // encodeURIComponent leaves !'()* alone; RFC 3986 reserves them.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
