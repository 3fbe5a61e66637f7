// The SMS button of the bind and register forms, and the image code asked before an SMS; they run in
// the browser inside those islands, and on the server.
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { formMessages, resendIn } from "@/lib/form_messages.ts";
import { RESEND_AFTER_S, type SmsPurpose } from "@/lib/sms/codes.ts";
import { fieldError, mobileSchema } from "@/lib/validation.ts";

export const SEND_SMS_ACTION = "send_sms";

/** The image code shown before an SMS, once the server asks for one (`uuid` null until then). */
export interface ImageCodeState {
  uuid: Signal<string | null>;
  answer: Signal<string>;
}

/** `uuid`: the image the server rendered the form with (without JavaScript it asked for one). */
export function useImageCode(uuid: string | null | undefined): ImageCodeState {
  return { uuid: useSignal(uuid ?? null), answer: useSignal("") };
}

/** A new image: a new id from the page (the old image is used up, or unreadable). */
function showNewImage(imageCode: ImageCodeState) {
  imageCode.uuid.value = pageUuid();
  imageCode.answer.value = "";
}

function pageUuid(): string {
  // randomUUID exists only in secure contexts; a plain-http LAN address is not one.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0"));
  return [0, 4, 6, 8, 10].map((start, i, starts) =>
    hex.slice(start, starts[i + 1] ?? 16).join("")
  ).join("-");
}

/**
 * 图形验证码: the image, its field and the uuid it was drawn for, sent with the SMS button's request (or
 * posted with the form without JavaScript). With JavaScript, "换一张" draws a new one.
 */
export function ImageCodeField({ imageCode, error, focus }: {
  imageCode: ImageCodeState;
  error?: string | null;
  /** Takes the focus when the page opens (its answer is what failed). */
  focus?: boolean;
}) {
  const hydrated = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  const uuid = imageCode.uuid.value;
  if (uuid === null) return null;
  return (
    <div class="field">
      <label for="field-image_code">图形验证码</label>
      <div class="with-button image-code">
        <input
          id="field-image_code"
          name="image_code"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={4}
          value={imageCode.answer.value}
          autoFocus={focus}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "image_code-message" : undefined}
          onInput={(event) => {
            imageCode.answer.value = event.currentTarget.value;
          }}
        />
        <img
          src={`/image_codes/${uuid}`}
          alt="图形验证码"
          width={150}
          height={50}
        />
      </div>
      <input type="hidden" name="uuid" value={uuid} />
      {error && (
        <div id="image_code-message" class="message">
          <p class="error" data-field="image_code" role="alert">{error}</p>
        </div>
      )}
      {hydrated.value && (
        <button
          type="button"
          class="link image-code-refresh"
          onClick={() => showNewImage(imageCode)}
        >
          看不清，换一张
        </button>
      )}
    </div>
  );
}

/** The outcome of a send: the message to show (null when sent), and the wait the server asked for. */
export interface SmsSent {
  error: string | null;
  retryAfterS?: number;
}

interface Props {
  mobile: Signal<string>;
  imageCode: ImageCodeState;
  /** Sent as the form field `purpose`; unset: `signup`. */
  purpose?: SmsPurpose;
  /** Seconds left of the gap between two codes when the page was made (a code was sent just before). */
  resendInS: number;
  onSent: (sent: SmsSent) => void;
}

/**
 * "获取短信验证码". Without JavaScript it submits the form with action=send_sms and the page answers;
 * with it, it is a plain button that calls POST /sms_codes/<mobile> and counts down the 60 s before
 * another code can be asked for (from the server's own count when the page comes back). When the server
 * asks for an image code (captcha: true), the image is shown and sent with the next ask.
 */
export function SmsCodeButton(
  { mobile, imageCode, purpose, resendInS, onSent }: Props,
) {
  const hydrated = useSignal(false);
  // Counted from a fixed end, so the wait is right however late the timer fires.
  const waitUntil = useSignal(0);
  // The gap is the server's per mobile: a corrected mobile may have its code at once.
  const waitingFor = useSignal(mobile.peek());
  const now = useSignal(0);
  const sending = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
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
  const secondsLeft = !hydrated.value
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
    const uuid = imageCode.uuid.value;
    try {
      const response = await fetch(
        `/sms_codes/${encodeURIComponent(sentTo)}`,
        {
          method: "POST",
          body: new URLSearchParams({
            ...(purpose ? { purpose } : {}),
            ...(uuid === null
              ? {}
              : { image_code: imageCode.answer.value, uuid }),
          }),
        },
      );
      const answer = await response.json().catch(() => ({
        ok: false,
        error: formMessages.smsSendFailed,
      }));
      const retryAfterS = Number(response.headers.get("retry-after")) || 0;
      if (answer.ok) wait(RESEND_AFTER_S, sentTo);
      else if (retryAfterS) wait(retryAfterS, sentTo);
      // An answer uses the image up, and once one was asked for the next ask will want one too.
      if (answer.captcha || uuid !== null) {
        showNewImage(imageCode);
      }
      onSent({
        error: answer.ok ? null : answer.error,
        retryAfterS: answer.ok ? undefined : retryAfterS || undefined,
      });
    } catch {
      onSent({ error: formMessages.networkError });
    } finally {
      sending.value = false;
    }
  }

  const waiting = secondsLeft > 0;
  // Without JavaScript nothing counts down, so the button stays usable and the server says how long is left.
  const disabled = hydrated.value &&
    (waiting || sending.value ||
      fieldError(mobileSchema, mobile.value) !== null);
  return (
    <button
      type={hydrated.value ? "button" : "submit"}
      name="action"
      value={SEND_SMS_ACTION}
      formNoValidate
      class="secondary sms-button"
      disabled={disabled}
      onClick={send}
    >
      {sending.value
        ? formMessages.sendingSmsCode
        : waiting
        ? resendIn(secondsLeft)
        : formMessages.getSmsCode}
    </button>
  );
}
