// Development's gateway: the code is printed on the server log, where the developer reads it.
import type { SmsSender } from "./gateway.ts";

export function consoleGateway(): SmsSender {
  return {
    send(mobile, code, ttl, purpose) {
      console.log(
        JSON.stringify({ event: "sms_code", mobile, code, ttl, purpose }),
      );
      return Promise.resolve({ ok: true });
    },
  };
}
