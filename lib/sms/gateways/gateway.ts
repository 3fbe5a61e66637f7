// What an SMS gateway is to the app: one call that sends a code and says how it went. The gateways
// beside this file implement it; lib/sms/delivery.ts picks one from the config.
import type { SmsPurpose } from "../codes.ts";

/** The gateway's answer. `rate_limited`: the gateway's own limit on this mobile; `failed`: anything else. */
export type SmsDelivery =
  | { ok: true; requestId?: string }
  | {
    ok: false;
    reason: "rate_limited" | "failed";
    /** The gateway's error code, or timeout, network, malformed_reply, HTTP <status>: never a secret. */
    error: string;
    requestId?: string;
  };

export interface SmsSender {
  /** Resolves with the gateway's answer; may reject when the gateway could not be reached. */
  send(
    mobile: string,
    code: string,
    ttlSeconds: number,
    purpose: SmsPurpose,
  ): Promise<SmsDelivery>;
}

export interface GatewayOptions {
  fetch: typeof fetch;
  /** The clock signatures are dated by, in milliseconds since the epoch. */
  now: () => number;
  /** For the whole exchange, answer included; default 5000. */
  timeoutMs?: number;
}
