// Accounts and codes for the account-page tests: a registered user, and SMS codes of any purpose read
// from the test app's outbox as a phone would.
import { ok } from "node:assert/strict";
import { registerUser } from "@/lib/accounts/registration.ts";
import type { User } from "@/lib/accounts/users.ts";
import type { SmsPurpose } from "@/lib/sms/codes.ts";
import { sendSmsAsAPerson, type TestApp } from "@/tests/_app.ts";

export const PASSWORD = "secret123";
export const CLIENT = "127.0.0.1";
let sends = 0;

/**
 * Sends a code of `purpose` to `mobile` (past the 60 s gap of the one before, solving the image code
 * asked for after the first) and reads it.
 */
export async function smsCode(
  app: TestApp,
  mobile: string,
  purpose: SmsPurpose = "signup",
): Promise<string> {
  app.clock.now += 61_000;
  app.outbox.delete(mobile);
  // Each from an address of its own: the tests send more than one client's daily cap.
  const sent = await sendSmsAsAPerson(
    app,
    { mobile, purpose },
    `198.51.100.${sends++ % 250}`,
  );
  ok(sent.ok, JSON.stringify(sent));
  const code = app.outbox.get(mobile);
  ok(code, `no ${purpose} code was sent to ${mobile}`);
  return code;
}

/** A user registered with `mobile` and PASSWORD. */
export async function userWith(app: TestApp, mobile: string): Promise<User> {
  const form = {
    mobile,
    password: PASSWORD,
    sms_code: await smsCode(app, mobile),
    allow: "on",
  };
  const registered = await registerUser(app, form, CLIENT);
  if (!registered.ok) throw new Error(registered.message);
  return registered.user;
}
