// 我已阅读并同意《用户协议》和《隐私政策》: the `allow` box, never ticked for the user, each title a link that
// opens beside the form so nothing typed is lost. Runs on the server (/consent) and in the browser
// inside the register and bind forms' islands.
import type { JSX } from "preact";
import { FieldMessage } from "./FieldMessage.tsx";

export interface ConsentCheckboxProps {
  /** Ticked by the user before the form came back. */
  checked?: boolean;
  /**
   * Why the form came back: the box was not ticked. The server says so only once everything else has
   * passed, so the box then takes the focus.
   */
  error?: string | null;
  onChange?: JSX.GenericEventHandler<HTMLInputElement>;
}

export function ConsentCheckbox(
  { checked, error, onChange }: ConsentCheckboxProps,
) {
  return (
    <div class="field consent">
      <label class="checkbox">
        {/* A ticked box posts `on`, its default value. */}
        <input
          type="checkbox"
          name="allow"
          checked={checked}
          autoFocus={Boolean(error)}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "allow-message" : undefined}
          onChange={onChange}
        />
        <span>
          {/* target=_blank implies rel=noopener in today's browsers. */}
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
