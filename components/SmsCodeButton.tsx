// The SMS button of the account forms; runs in the browser inside those islands, and on the server.
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import * as formMessages from "@/lib/forms/words.ts";
import type { SmsPurpose } from "@/lib/sms/codes.ts";
import { RESEND_AFTER_S } from "@/lib/sms/resend_gap.ts";
import { fieldError, mobileSchema } from "@/lib/forms/rules.ts";

export const SEND_SMS_ACTION = "send_sms";

/** The outcome of a send: the message to show (null when sent), and the wait the server asked for. */
export interface SmsSent {
  error: string | null;
  retryAfterS?: number;
  /** A new image code is wanted: the server asks for one with the next ask, or the one sent is used up. */
  newImage: boolean;
  /** The image code is what the server refused the ask for (missing, expired or wrong). */
  imageAsked?: boolean;
}

interface Props {
  mobile: Signal<string>;
  /** False until the form's island is alive in the browser. */
  hydrated: boolean;
  /** Sent as the form field `purpose`; unset: `signup`. */
  purpose?: SmsPurpose;
  /** Seconds left of the gap between two codes when the page was made (a code was sent just before). */
  resendInS: number;
  onSent: (sent: SmsSent) => void;
}

/**
 * "获取短信验证码". Without JavaScript it submits the form with action=send_sms and the page answers;
 * with it, it is a plain button that calls POST /sms_codes (the mobile in the body, never in a URL, which
 * request logs and traces keep) with the form's image code, if it
 * shows one, and counts down the 60 s before another code can be asked for (from the server's own count
 * when the page comes back).
 */
export function SmsCodeButton(
  { mobile, hydrated, purpose, resendInS, onSent }: Props,
) {
  // Counted from a fixed end, so the wait is right however late the timer fires.
  const waitUntil = useSignal(0);
  // The gap is the server's per mobile: a corrected mobile may have its code at once.
  const waitingFor = useSignal(mobile.peek());
  const now = useSignal(0);
  const sending = useSignal(false);
  useEffect(() => {
    if (resendInS > 0) wait(resendInS, mobile.peek());
  }, []);
  useEffect(() => {
    if (waitUntil.value === 0) return;
    const timer = setInterval(() => {
      now.value = Date.now();
      if (now.value >= waitUntil.value) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [waitUntil.value]);
  const secondsLeft = !hydrated
    ? resendInS
    : mobile.value === waitingFor.value
    ? Math.max(0, Math.ceil((waitUntil.value - now.value) / 1000))
    : 0;

  function wait(seconds: number, sentTo: string) {
    now.value = Date.now();
    waitingFor.value = sentTo;
    waitUntil.value = now.value + seconds * 1000;
  }

  async function send(event: Event) {
    event.preventDefault();
    const sentTo = mobile.value;
    sending.value = true;
    const body = new URLSearchParams({
      mobile: sentTo,
      ...purpose && { purpose },
    });
    // The image code the form shows, if any: its uuid and the answer typed.
    const form = new FormData((event.currentTarget as HTMLButtonElement).form!);
    // or the captcha service's ticket in its place.
    for (
      const name of [
        "uuid",
        "image_code",
        "ticket",
        "randstr",
        "captcha_verify_param",
      ]
    ) {
      const value = form.get(name);
      if (typeof value === "string") body.set(name, value);
    }
    try {
      const response = await fetch("/sms_codes", { method: "POST", body });
      const answer = await response.json();
      const retryAfterS = Number(response.headers.get("retry-after")) || 0;
      if (answer.ok) wait(RESEND_AFTER_S, sentTo);
      else if (retryAfterS) wait(retryAfterS, sentTo);
      onSent({
        error: answer.ok ? null : answer.error,
        retryAfterS: answer.ok ? 0 : retryAfterS,
        // An answer uses the image up, and once one was asked for the next ask will want one too.
        newImage: Boolean(answer.captcha || body.has("uuid")),
        imageAsked: answer.captcha === true,
      });
    } catch {
      // No answer, or none we can read (a proxy's error page).
      onSent({ error: formMessages.networkError, newImage: false });
    } finally {
      sending.value = false;
    }
  }

  const waiting = secondsLeft > 0;
  // Without JavaScript nothing counts down, so the button stays usable and the server says how long is left.
  const disabled = hydrated &&
    (waiting || sending.value ||
      fieldError(mobileSchema, mobile.value) !== null);
  return (
    <button
      type={hydrated ? "button" : "submit"}
      name="action"
      value={SEND_SMS_ACTION}
      class="secondary sms-button"
      disabled={disabled}
      onClick={send}
    >
      {sending.value
        ? formMessages.sendingSmsCode
        : waiting
        ? formMessages.resendIn(secondsLeft)
        : formMessages.getSmsCode}
    </button>
  );
}
