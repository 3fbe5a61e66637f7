// 图形验证码: the picture drawn for `uuid`, its field, and the uuid as a hidden field, posted with the form
// or sent with the SMS button's ask. The login forms show it past the login limit, the SMS button when
// the server asks for one before an SMS. Runs on the server, and in the browser inside the islands.
import { FieldMessage } from "./FieldMessage.tsx";
import * as formMessages from "@/lib/forms/words.ts";
import { type CaptchaWidget, pageWidget } from "@/lib/captcha/widget.ts";

export interface ImageCodeFieldProps {
  uuid: string;
  error?: string | null;
  /** Takes the focus when the page opens (its answer is what failed). */
  focus?: boolean;
  /** Draws another, "看不清，换一张": only once the page runs (without JavaScript a new page does it). */
  onNewImage?: () => void;
}

export function ImageCodeField(
  { uuid, error, focus, onNewImage }: ImageCodeFieldProps,
) {
  // With CAPTCHA_PROVIDER set, the service's widget stands in for the image.
  const widget = pageWidget();
  if (widget) return <CaptchaWidgetField widget={widget} error={error} />;
  return (
    <div class="field image-code">
      <label for="field-image_code">图形验证码</label>
      {
        /* The picture on a line of its own, large enough to read on a phone, with the way to another
        beside it. */
      }
      <div class="image-code-picture">
        <img
          src={`/image_codes/${uuid}`}
          alt="图形验证码"
          width={210}
          height={70}
        />
        {onNewImage && (
          <button
            type="button"
            class="link image-code-refresh"
            onClick={onNewImage}
          >
            看不清，换一张
          </button>
        )}
      </div>
      <input
        id="field-image_code"
        name="image_code"
        autoComplete="off"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={4}
        required
        autoFocus={focus}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? "image_code-message" : undefined}
        // Enter here asks for the SMS the image unlocks, while the form's SMS button can ask and no code
        // is typed yet: the image is there for the SMS. Else (past the login limit) it submits the form.
        onKeyDown={(event) => {
          const form = event.currentTarget.form!;
          const button = form.querySelector<HTMLButtonElement>(".sms-button");
          if (
            event.key === "Enter" && button && !button.disabled &&
            !(form.elements.namedItem("sms_code") as HTMLInputElement).value
          ) {
            event.preventDefault();
            button.click();
          }
        }}
      />
      <input type="hidden" name="uuid" value={uuid} />
      <FieldMessage id="image_code" message={error} />
    </div>
  );
}

/**
 * The service's widget: a button that opens it (static/captcha_widget.js) and the hidden fields its
 * ticket is posted in. It needs JavaScript, which the page says when it is off.
 */
function CaptchaWidgetField(
  { widget, error }: { widget: CaptchaWidget; error?: string | null },
) {
  return (
    <div class="field captcha-widget" data-captcha-provider={widget.provider}>
      <span class="label">{formMessages.captchaLabel}</span>
      <button type="button" class="secondary" data-captcha-start>
        {formMessages.captchaStart}
      </button>
      {widget.provider === "tencent"
        ? (
          <>
            <input type="hidden" name="ticket" />
            <input type="hidden" name="randstr" />
          </>
        )
        : <input type="hidden" name="captcha_verify_param" />}
      <noscript>
        <p class="error">{formMessages.captchaNeedsScript}</p>
      </noscript>
      <FieldMessage id="image_code" message={error} />
    </div>
  );
}

/** A new image's uuid, made by the page. */
export function pageUuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID exists only in secure contexts, which a plain-http LAN address is not; a blob URL ends
  // with a random UUID in any (the File API makes one for each).
  const url = URL.createObjectURL(new Blob());
  URL.revokeObjectURL(url);
  return url.slice(-36);
}
