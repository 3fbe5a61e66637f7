import { AccountForm } from "@/components/AccountForm.tsx";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import type { Help } from "@/lib/form_help.ts";

export interface BindFormProps {
  /** The provider's callback, which takes the bind. */
  action: string;
  /** The bind token: the identity, sealed. */
  accessToken: string;
  mobile: string;
  /** A live SMS code entered before, kept when the bind failed for another reason. */
  smsCode?: string;
  /** Seconds left before another SMS code may be sent to `mobile`. */
  resendInS?: number;
  errors: Partial<Record<string, string>>;
  /** What to do next, beside the message of the same key. */
  help?: Partial<Record<string, Help>>;
  /** Why a provider login failed, shown beside it. */
  reason?: string;
  notice?: string;
  /**
   * The image code the server asks for: past the login limit (the next attempt must carry it), or before
   * the next SMS (the form without JavaScript). One field serves both.
   */
  imageCodeUuid?: string;
}

const FIELD_KEYS = ["form", "mobile", "password", "sms_code", "image_code"];

export default function BindForm(props: BindFormProps) {
  // A message about the bind as a whole takes the focus when no field is to blame.
  const aboutTheBind = !FIELD_KEYS.some((key) => props.errors[key]);
  return (
    <AccountForm
      {...props}
      submitLabel="绑定"
      fields={{ password: { autoComplete: "current-password" } }}
    >
      <input type="hidden" name="access_token" value={props.accessToken} />
      <FieldMessage
        id="access_token"
        message={props.errors.access_token}
        help={props.help?.access_token}
        focus={aboutTheBind}
      />
      <FieldMessage
        id="provider"
        message={props.errors.provider}
        reason={props.reason}
        help={props.help?.provider}
        focus={aboutTheBind && !props.errors.access_token}
      />
    </AccountForm>
  );
}
