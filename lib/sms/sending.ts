// Sending a code: the resend wait, the image code when one is asked for, the caps, then the gateway (the
// code withdrawn if delivery fails). A code for a purpose that can't apply to the mobile is written and
// counted as one that can, but never sent, so the answer does not tell who has an account.
//
// The purposes sent only to some mobiles (a reset or a deletion to a mobile with an account, a mobile
// change to one without) answer 200 without waiting for the gateway, so neither the time taken nor the
// gateway's refusal tells whether this mobile was sent one. Signup goes to any mobile, and its caller
// is told the gateway's 429 or 502.
//
// SMS_CAPTCHA=auto asks for an image code once this mobile or this client has been sent a code in the
// last hour (so nobody can have a stranger's phone sent more than one SMS an hour without solving one),
// `always` every time, `off` never.
import type { App } from "@/lib/app/app.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import {
  type ChallengeAnswer,
  challengeMessage,
  verifyChallenge,
} from "@/lib/captcha/challenge.ts";
import { findUserByMobileAlike } from "@/lib/accounts/users.ts";
import { messages } from "@/lib/messages.ts";
import {
  isSmsPurpose,
  issueSmsCode,
  readSendLimits,
  SMS_CODE_TTL_S,
  type SmsPurpose,
  withdrawSmsCode,
} from "./codes.ts";
import { deliverSmsCode, type SmsDelivery } from "./delivery.ts";
import { fieldError, mobileSchema } from "@/lib/forms/rules.ts";

/** What the sender asked for: the mobile from the path, the rest from the form or the query. */
export interface SendRequest {
  mobile: string;
  /** Unset: `signup`. */
  purpose?: string;
  /** The answer to the image code (or the captcha service's ticket), when the page shows one. */
  challenge?: ChallengeAnswer;
}

/** `captcha` tells the page to show an image code (a new one: any answer used the old one up). */
export type SendResult = { ok: true } | {
  ok: false;
  status: 400 | 429 | 502;
  error: string;
  captcha?: true;
  /** With 429 for the gap between two codes: the seconds left of it. */
  retryAfterS?: number;
};

export async function sendSmsCode(
  app: App,
  request: SendRequest,
  clientAddress: string,
): Promise<SendResult> {
  const { mobile, purpose = "signup" } = request;
  if (fieldError(mobileSchema, mobile)) {
    return { ok: false, status: 400, error: messages.invalidMobile };
  }
  if (!isSmsPurpose(purpose)) {
    return { ok: false, status: 400, error: messages.badRequest };
  }
  const mode = app.config.smsCaptcha;
  const limits = await readSendLimits(app.kv, mobile, clientAddress, app.now());
  if (limits.waiting) {
    return {
      ok: false,
      status: 429,
      error: messages.smsTooFrequent,
      retryAfterS: limits.retryAfterS,
    };
  }
  const imageCodeNeeded = mode === "always" ||
    (mode === "auto" && limits.sentRecently);
  if (imageCodeNeeded) {
    const check = await verifyChallenge(
      app,
      request.challenge ?? { browser: null },
      clientAddress,
    );
    if (!check.ok) {
      return imageCodeAsked(challengeMessage(app, check.reason));
    }
  }
  const issued = await issueSmsCode(app.kv, {
    mobile,
    clientAddress,
    purpose,
    applies: await purposeApplies(app.kv, purpose, mobile),
    onlyIfQuiet: mode === "auto" && !imageCodeNeeded,
  }, app.now());
  if (!issued.ok) {
    // A racing request sent the hour's free code first: this one needs an image code after all.
    if (issued.reason === "not_quiet") {
      return imageCodeAsked(challengeMessage(app, "missing"));
    }
    return { ok: false, status: 429, error: messages.smsTooFrequent };
  }
  const { code } = issued;
  if (code === null) return { ok: true };
  if (ANSWERED_BEFORE_SENDING.has(purpose)) {
    // The code's row is written already: a form posted after this answer finds it.
    app.background.keep(deliver(app, mobile, purpose, code));
    return { ok: true };
  }
  const delivery = await deliver(app, mobile, purpose, code);
  if (delivery.ok) return { ok: true };
  return delivery.reason === "rate_limited"
    ? { ok: false, status: 429, error: messages.smsTooFrequent }
    : { ok: false, status: 502, error: messages.smsSendFailed };
}

/** The purposes whose codes go to some mobiles only: their answer never waits on the gateway. */
const ANSWERED_BEFORE_SENDING: ReadonlySet<SmsPurpose> = new Set([
  "reset_password",
  "change_mobile",
  "delete_account",
]);

/** Hands `code` to the gateway (which logs the outcome); a code nobody got stops being live. */
async function deliver(
  app: App,
  mobile: string,
  purpose: SmsPurpose,
  code: string,
): Promise<SmsDelivery> {
  const delivery = await deliverSmsCode(app.sms, app.config.sms.provider, {
    mobile,
    code,
    ttlSeconds: SMS_CODE_TTL_S,
    purpose,
  });
  if (!delivery.ok) await withdrawSmsCode(app.kv, mobile, purpose, code);
  return delivery;
}

/**
 * The same for a form posted without JavaScript, which the server renders again: `imageCodeUuid` is the
 * image it shows next, when a refused ask wants one (an answer uses an image up). Once a code is sent the
 * form shows no image: the next ask, a minute on, is told whether it needs one.
 */
export async function sendSmsCodeFromForm(
  app: App,
  request: SendRequest,
  clientAddress: string,
): Promise<SendResult & { imageCodeUuid?: string }> {
  const sent = await sendSmsCode(app, request, clientAddress);
  const asked = !sent.ok &&
    (sent.captcha || request.challenge?.uuid !== undefined);
  return asked ? { ...sent, imageCodeUuid: newImageCodeUuid() } : sent;
}

const imageCodeAsked = (error: string): SendResult => ({
  ok: false,
  status: 400,
  error,
  captcha: true,
});

/**
 * A reset or a deletion needs an account to act on; a mobile change needs a mobile nobody has. A login
 * code goes to any mobile (with no account, its right code leads to the sign-up), so that asking for one
 * tells nothing either.
 */
async function purposeApplies(
  kv: Deno.Kv,
  purpose: SmsPurpose,
  mobile: string,
): Promise<boolean> {
  // The same reads whether or not the mobile has an account: the answer's timing tells nothing.
  const { user } = await findUserByMobileAlike(kv, mobile);
  // A disabled account is sent nothing (`deno task admin disable`): its codes are undelivered.
  if (user?.disabledAt) return false;
  // Sign-up and SMS login codes go to any mobile: nothing before the right code tells who has an account.
  if (purpose === "signup" || purpose === "login") return true;
  return purpose === "change_mobile" ? !user : Boolean(user);
}
