// One signed call to a cloud's API, the way the captcha services and the SMS gateways make it: Aliyun's
// RPC style (ACS3-HMAC-SHA256) and Tencent Cloud's API 3.0 (TC3-HMAC-SHA256). A call that gets no answer
// is a `failed` one, which the captcha check and the SMS delivery alike report as such.
import {
  callOutside,
  type OutboundCall,
  type OutboundFailure,
  parseJson,
} from "./outbound.ts";
import { type Acs3Credentials, signAcs3 } from "./signing/acs3.ts";
import { hex } from "./signing/hmac.ts";
import { tc3Authorization, type Tc3Credentials } from "./signing/tc3.ts";

/** What a signed call runs with: the fetch, the clock its signature is dated by, its limit. */
export interface SignedCall {
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** For the whole exchange, answer included; default 5000. */
  timeoutMs?: number;
}

/** The API's answer: its status, its reply as the call's schema reads it (else undefined), its request id. */
export type CloudAnswer<T> =
  | { ok: false; reason: "failed"; error: OutboundFailure }
  | { ok: true; status: number; reply?: T; requestId?: string };

/** What reads a reply: a zod schema. */
export interface ReplySchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
}

/**
 * A POST of Aliyun's RPC-style `action` (API `version`) to `endpoint`, its `params` in the query, signed
 * with `credentials` and dated now by `call`'s clock. Its request id is the reply's, else the
 * x-acs-request-id header's.
 */
export async function callAliyunRpc<T extends { RequestId?: string }>(
  credentials: Acs3Credentials,
  call: SignedCall,
  { endpoint, action, version, params, reply }: {
    endpoint: string;
    action: string;
    version: string;
    params: Record<string, string>;
    reply: ReplySchema<T>;
  },
): Promise<CloudAnswer<T>> {
  const { url, headers } = await signAcs3({
    method: "POST",
    url: new URL(endpoint),
    action,
    version,
    params,
    body: "",
    date: new Date(call.now()).toISOString().replace(/\.\d+Z$/, "Z"),
    nonce: hex(crypto.getRandomValues(new Uint8Array(16))),
  }, credentials);
  return await answerOf(
    {
      url,
      init: {
        method: "POST",
        headers: { ...headers, accept: "application/json" },
      },
      fetch: call.fetch,
      timeoutMs: call.timeoutMs,
    },
    (text) => readReply(reply, text),
    (said, headers) =>
      said?.RequestId ?? headers.get("x-acs-request-id")?.slice(0, 100),
  );
}

/**
 * A POST of Tencent Cloud's `action` of `service` (API `version`, in `region` when it asks for one) to
 * `endpoint` with the JSON `payload`, signed with `credentials` and dated now by `call`'s clock. Its
 * reply is the Response object every answer of API 3.0 is wrapped in.
 */
export async function callTencentCloud<T extends { RequestId?: string }>(
  credentials: Tc3Credentials,
  call: SignedCall,
  { endpoint, service, action, version, region, payload, reply }: {
    endpoint: string;
    service: string;
    action: string;
    version: string;
    region?: string;
    payload: string;
    reply: ReplySchema<{ Response: T }>;
  },
): Promise<CloudAnswer<T>> {
  const url = new URL(endpoint);
  const timestamp = Math.floor(call.now() / 1000);
  const signed = {
    "content-type": "application/json; charset=utf-8",
    "x-tc-action": action,
  };
  const authorization = await tc3Authorization(
    { url, service, headers: signed, payload, timestamp },
    credentials,
  );
  return await answerOf(
    {
      url,
      fetch: call.fetch,
      timeoutMs: call.timeoutMs,
      init: {
        method: "POST",
        headers: {
          ...signed,
          authorization,
          "x-tc-version": version,
          "x-tc-timestamp": String(timestamp),
          ...(region === undefined ? {} : { "x-tc-region": region }),
        },
        body: payload,
      },
    },
    (text) => readReply(reply, text)?.Response,
    (response) => response?.RequestId,
  );
}

async function answerOf<T>(
  call: OutboundCall,
  read: (text: string) => T | undefined,
  requestIdOf: (reply: T | undefined, headers: Headers) => string | undefined,
): Promise<CloudAnswer<T>> {
  const answer = await callOutside(call);
  if (!answer.ok) return { ok: false, reason: "failed", error: answer.error };
  const reply = read(answer.text);
  return {
    ok: true,
    status: answer.status,
    reply,
    requestId: requestIdOf(reply, answer.headers),
  };
}

function readReply<T>(schema: ReplySchema<T>, text: string): T | undefined {
  const parsed = schema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
}
