import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { RESEND_AFTER_S } from "../lib/sms_codes.ts";
import { fieldError, mobileSchema } from "../lib/validation.ts";

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
  const secondsLeft = useSignal(0);
  const sending = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  useEffect(() => {
    if (secondsLeft.value <= 0) return;
    const timer = setTimeout(() => secondsLeft.value--, 1000);
    return () => clearTimeout(timer);
  }, [secondsLeft.value]);

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
        error: "短信发送失败，请稍后再试",
      }));
      if (answer.ok) secondsLeft.value = RESEND_AFTER_S;
      onSent(answer.ok ? null : answer.error);
    } catch {
      onSent("网络错误，请稍后再试");
    } finally {
      sending.value = false;
    }
  }

  const waiting = secondsLeft.value > 0;
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
      {waiting ? `${secondsLeft.value}秒后重新获取` : "获取短信验证码"}
    </button>
  );
}
