// What both gateway stubs share: a server on a free loopback port that records each request, can
// hold an answer back until it closes (a gateway that never answers), and crypto of its own, so a
// stub checks signatures without trusting the code it checks.

export interface StubRequest {
  request: Request;
  body: string;
}

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/** A stub's judgement of a request's signature, with the gateway's error code when it fails. */
export type Verdict = { ok: true } | { ok: false; code: string };

/** What `answer` returns to keep the caller waiting until the stub closes. */
export const HANG = Symbol("hang");

export function startStubServer(
  answer: (received: StubRequest) => Promise<Response | typeof HANG>,
): StubServer {
  const requests: StubRequest[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const received = { request, body: await request.text() };
      requests.push(received);
      const response = await answer(received);
      if (response !== HANG) return response;
      await released;
      return new Response("too late", { status: 504 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async close() {
      release();
      await server.shutdown();
    },
  };
}

/** What every gateway's stub can be scripted to answer; a gateway may add answers of its own. */
export type StubBehaviour =
  | "sent"
  | "rate_limited"
  | "bad_number"
  | "garbage"
  | "hang"
  | "redirect";

export interface GatewayStub<Behaviour extends string, Sent>
  extends StubServer {
  /** How the next request is answered; a test may change it between sends. */
  behaviour: Behaviour;
  /** What each request that passed the signature check asked to send. */
  sends: Sent[];
}

/** A gateway's stub answering as `answer` says, which reads the stub's behaviour and records its sends. */
export function startGatewayStub<Behaviour extends string, Sent>(
  behaviour: Behaviour,
  answer: (
    received: StubRequest,
    stub: GatewayStub<Behaviour, Sent>,
  ) => Promise<Response | typeof HANG>,
): GatewayStub<Behaviour, Sent> {
  const stub: GatewayStub<Behaviour, Sent> = {
    ...startStubServer((received) => answer(received, stub)),
    behaviour,
    sends: [],
  };
  return stub;
}

const encoder = new TextEncoder();

export function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) =>
    byte.toString(16).padStart(2, "0")
  ).join("");
}

export async function sha256(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

export async function hmac(
  key: ArrayBuffer | string,
  text: string,
): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey(
    "raw",
    typeof key === "string" ? encoder.encode(key) : key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return await crypto.subtle.sign("HMAC", imported, encoder.encode(text));
}

/** A JSON answer, as the gateways send them. */
export function json(value: unknown, status = 200): Response {
  return Response.json(value, { status });
}
