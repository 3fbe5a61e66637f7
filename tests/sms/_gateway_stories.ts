// The stories both real SMS gateways tell against their stubs (tests/sms/aliyun.test.ts and
// tencent.test.ts): each failure a stub can be scripted with, a wrong secret, a gateway that never
// answers, and the one log line per send. Each test file keeps what only its gateway does.
import { deepEqual, equal, ok } from "node:assert/strict";
import type { SmsConfig } from "@/lib/app/config.ts";
import {
  deliverSmsCode,
  type SmsDelivery,
  type SmsSender,
} from "@/lib/sms/delivery.ts";
import { capturingLogs } from "./_logs.ts";
import type { GatewayStub, StubBehaviour, StubServer } from "./_stub_server.ts";

export const MOBILE = "13800138000";
export const CODE = "012345";
/**
 * The time limit of a send the stub answers: far above what a loopback answer takes on the busiest
 * machine, so only the story that stays silent ("hang", with its own short limit) times out.
 */
export const ANSWERED_WITHIN_MS = 60_000;

/** A gateway beside its stub, as its test file sets them up. */
export interface StubbedGateway<Behaviour extends string, Sent> {
  /** As the log line names it. */
  id: SmsConfig["provider"];
  /** As the stories name it: Aliyun, Tencent. */
  name: string;
  /** The request id the stub answers with. */
  requestId: string;
  /** The secret both sides know, which never shows in a log. */
  secret: string;
  /** A gateway's behaviours include every stub's (StubBehaviour). */
  startStub(behaviour: Behaviour | StubBehaviour): GatewayStub<Behaviour, Sent>;
  /** The gateway sending to `stub`; with `secret`, signing with that one instead of the stub's. */
  connect(
    stub: StubServer,
    options?: { secret?: string; timeoutMs?: number },
  ): SmsSender;
}

/** Sends one code (a life of `ttl` seconds) through a new stub answering as `behaviour`, then closes it. */
export async function sendThroughStub<Behaviour extends string, Sent>(
  gateway: StubbedGateway<Behaviour, Sent>,
  behaviour: Behaviour | StubBehaviour,
  options: { secret?: string; timeoutMs?: number; ttl?: number } = {},
) {
  const stub = gateway.startStub(behaviour);
  try {
    const delivery = await gateway.connect(stub, options)
      .send(MOBILE, CODE, options.ttl ?? 300, "signup");
    return { delivery, stub };
  } finally {
    await stub.close();
  }
}

export interface GatewayStories<Behaviour extends string> {
  /** The gateway's own failures (a garbled answer and a redirect are every gateway's): each story's
   * stub answers as the behaviour says, and the send is that delivery. */
  failures: [story: string, behaviour: Behaviour, delivery: SmsDelivery][];
  /** The status the stub redirects with. */
  redirectStatus: number;
  /** A send signed with another secret fails the stub's check with `error`. */
  wrongSecret: { story: string; error: string };
  /** What each send's log line says of each behaviour: its outcome, and its error. */
  logged: [behaviour: Behaviour, outcome: string, error?: string][];
}

/** Registers the stories every gateway tells, each its own Deno.test. */
export function testGatewayStories<Behaviour extends string, Sent>(
  gateway: StubbedGateway<Behaviour, Sent>,
  stories: GatewayStories<Behaviour>,
) {
  const failed = (error: string) => ({
    ok: false,
    reason: "failed",
    error,
    requestId: undefined,
  } as const);
  for (
    const [story, behaviour, expected] of [
      ...stories.failures,
      [
        `an answer that is not ${gateway.name}'s JSON is a failure`,
        "garbage",
        failed("malformed_reply"),
      ],
      [
        "a redirect is a failure, never followed",
        "redirect",
        failed(`HTTP ${stories.redirectStatus}`),
      ],
    ] as const
  ) {
    Deno.test(story, async () => {
      const { delivery, stub } = await sendThroughStub(gateway, behaviour);
      deepEqual(delivery, expected);
      equal(stub.requests.length, 1, "one request, and nothing after it");
    });
  }

  Deno.test(stories.wrongSecret.story, async () => {
    const { delivery, stub } = await sendThroughStub(gateway, "sent", {
      secret: `not-the-${gateway.secret}`,
    });
    deepEqual(delivery, {
      ok: false,
      reason: "failed",
      error: stories.wrongSecret.error,
      requestId: gateway.requestId,
    });
    deepEqual(stub.sends, [], "the stub sent nothing");
  });

  Deno.test("no answer within the timeout is a failure", async () => {
    const { delivery } = await sendThroughStub(gateway, "hang", {
      timeoutMs: 100,
    });
    deepEqual(delivery, { ok: false, reason: "failed", error: "timeout" });
  });

  Deno.test("each send logs one line with the masked mobile, the gateway, its request id and the outcome, and no secret", async () => {
    for (const [behaviour, outcome, error] of stories.logged) {
      const stub = gateway.startStub(behaviour);
      const lines = await capturingLogs(() =>
        deliverSmsCode(gateway.connect(stub), gateway.id, {
          mobile: MOBILE,
          code: CODE,
          ttlSeconds: 300,
          purpose: "signup",
        })
      );
      await stub.close();
      equal(lines.length, 1, behaviour);
      deepEqual(JSON.parse(lines[0]), {
        event: "sms_send",
        gateway: gateway.id,
        mobile: "138****8000",
        purpose: "signup",
        requestId: gateway.requestId,
        outcome,
        ...(error ? { error } : {}),
      });
      for (const secret of [gateway.secret, CODE, MOBILE]) {
        ok(!lines[0].includes(secret), `${secret} stays out of the log`);
      }
    }
  });
}
