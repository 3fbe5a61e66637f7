// 我已阅读并同意《用户协议》和《隐私政策》: the `allow` box, unchecked until the person checks it; runs on the
// server, and in the browser inside the islands.
import { FieldMessage } from "./FieldMessage.tsx";

export function ConsentCheckbox(
  { checked, error }: { checked: boolean; error?: string },
) {
  return (
    <div class="field">
      <label class="checkbox">
        <input
          type="checkbox"
          name="allow"
          value="on"
          checked={checked}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "allow-message" : undefined}
        />
        <span>
          我已阅读并同意<a href="/agreement" target="_blank">
            《用户协议》
          </a>和<a
            href="/privacy"
            target="_blank"
          >
            《隐私政策》
          </a>
        </span>
      </label>
      <FieldMessage id="allow" message={error} />
    </div>
  );
}
