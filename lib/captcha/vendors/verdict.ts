// What a captcha service's check of a ticket tells the app, whichever service it is.

export type VendorVerdict =
  | { ok: true; requestId?: string }
  | {
    ok: false;
    /** `expired`: used or too old; `wrong`: not a ticket the service passed; `failed`: no answer to trust. */
    reason: "expired" | "wrong" | "failed";
    /** The service's code, or timeout, network, malformed_reply, HTTP <status>: never a secret. */
    error: string;
    requestId?: string;
  };

export interface VendorCall {
  fetch: typeof fetch;
  /** The clock signatures are dated by, in milliseconds since the epoch. */
  now: () => number;
  timeoutMs?: number;
}
