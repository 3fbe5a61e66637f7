import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";
import { FieldMessage } from "@/components/FieldMessage.tsx";

export interface BindFormProps extends ReturnedForm {
  /** The provider's callback, which takes the bind. */
  action: string;
  /** The bind token: the identity, sealed. */
  accessToken: string;
  /** Why a provider login failed, shown beside it. */
  reason?: string;
}

const FIELD_KEYS = [
  "form",
  "mobile",
  "password",
  "allow",
  "sms_code",
  "image_code",
];

export default function BindForm(props: BindFormProps) {
  // A message about the bind as a whole takes the focus when no field is to blame.
  const aboutTheBind = !FIELD_KEYS.some((key) => props.errors[key]);
  return (
    <AccountForm
      {...props}
      submitLabel="绑定"
      consent
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
