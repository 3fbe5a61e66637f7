import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { formMessages } from "@/lib/form_messages.ts";
import { RESEND_AFTER_S } from "@/lib/sms/codes.ts";
import { fieldError, mobileSchema } from "@/lib/validation.ts";

export const SEND_SMS_ACTION = "send_sms";

interface Props {
  mobile: Signal<string>;
  /** Told the outcome of a send: null when sent, else the message to show. */
  onSent: (error: string | null) => void;
}

/**
 * "获取短信验证码". Without JavaScript it submits the form with action=send_sms and the page answers;
 * with it, it calls POST /sms_codes/<mobile> and counts down 60 s before another code can be asked for.
 */
export function SmsCodeButton({ mobile, onSent }: Props) {
  const hydrated = useSignal(false);
  // Counted from a fixed end, so the wait is 60 s however late the timer fires.
  const waitUntil = useSignal(0);
  const now = useSignal(0);
  const sending = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  useEffect(() => {
    if (waitUntil.value === 0) return;
    const timer = setInterval(() => {
      now.value = Date.now();
      if (now.value >= waitUntil.value) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [waitUntil.value]);
  const secondsLeft = Math.max(
    0,
    Math.ceil((waitUntil.value - now.value) / 1000),
  );

  async function send(event: Event) {
    event.preventDefault();
    sending.value = true;
    try {
      const response = await fetch(
        `/sms_codes/${encodeURIComponent(mobile.value)}`,
        { method: "POST" },
      );
      const answer = await response.json().catch(() => ({
        ok: false,
        error: formMessages.smsSendFailed,
      }));
      if (answer.ok) {
        now.value = Date.now();
        waitUntil.value = now.value + RESEND_AFTER_S * 1000;
      }
      onSent(answer.ok ? null : answer.error);
    } catch {
      onSent(formMessages.networkError);
    } finally {
      sending.value = false;
    }
  }

  const waiting = secondsLeft > 0;
  const disabled = hydrated.value &&
    (waiting || sending.value ||
      fieldError(mobileSchema, mobile.value) !== null);
  return (
    <button
      type="submit"
      name="action"
      value={SEND_SMS_ACTION}
      formNoValidate
      class="secondary sms-button"
      disabled={disabled}
      onClick={send}
    >
      {waiting ? `${secondsLeft}秒后重新获取` : "获取短信验证码"}
    </button>
  );
}
