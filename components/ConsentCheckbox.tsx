// 我已阅读并同意《用户协议》和《隐私政策》: the `allow` box, never ticked for the user, each title a link that
// opens beside the form so nothing typed is lost. Runs on the server (/consent) and in the browser
// inside the register and bind forms' islands.
import { FieldMessage } from "./FieldMessage.tsx";

export interface ConsentCheckboxProps {
  /** Ticked by the user before the form came back. */
  checked?: boolean;
  /** Why the form came back: the box was not ticked. */
  error?: string | null;
  /** Takes the focus when the page opens: the box is what to fix. */
  focus?: boolean;
  onChange?: (checked: boolean) => void;
}

export function ConsentCheckbox(
  { checked, error, focus, onChange }: ConsentCheckboxProps,
) {
  return (
    <div class="field consent">
      <label class="checkbox" for="field-allow">
        <input
          id="field-allow"
          type="checkbox"
          name="allow"
          value="on"
          checked={checked}
          autoFocus={focus}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "allow-message" : undefined}
          onChange={onChange &&
            ((event) => onChange(event.currentTarget.checked))}
        />
        <span>
          我已阅读并同意<a href="/agreement" target="_blank" rel="noopener">
            《用户协议》
          </a>和<a href="/privacy" target="_blank" rel="noopener">
            《隐私政策》
          </a>
        </span>
      </label>
      <FieldMessage id="allow" message={error} />
    </div>
  );
}
