import { AccountForm, FieldMessage } from "@/components/AccountForm.tsx";

export interface BindFormProps {
  /** The provider's callback, which takes the bind. */
  action: string;
  /** The bind token: the identity, sealed. */
  accessToken: string;
  mobile: string;
  errors: Partial<Record<string, string>>;
  /** Why a provider login failed, shown beside it. */
  reason?: string;
  notice?: string;
  /**
   * The image code the server asks for: past the login limit (the next attempt must carry it), or before
   * the next SMS (the form without JavaScript). One field serves both.
   */
  imageCodeUuid?: string;
}

export default function BindForm(props: BindFormProps) {
  return (
    <AccountForm
      action={props.action}
      submitLabel="绑定"
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
      imageCodeUuid={props.imageCodeUuid}
    >
      <input type="hidden" name="access_token" value={props.accessToken} />
      <FieldMessage id="access_token" message={props.errors.access_token} />
      <FieldMessage id="account" message={props.errors.account} />
      {props.errors.provider && (
        <p class="error" data-field="provider" role="alert">
          {props.errors.provider}
          {props.reason && <span class="reason">（{props.reason}）</span>}
        </p>
      )}
    </AccountForm>
  );
}
