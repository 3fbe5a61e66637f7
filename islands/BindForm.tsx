import { AccountForm, FieldMessage } from "@/components/AccountForm.tsx";

export interface BindFormProps {
  /** The bind token: the openid, sealed. */
  accessToken: string;
  nickname: string | null;
  mobile: string;
  errors: Partial<Record<string, string>>;
  /** Why a QQ login failed, shown beside it. */
  reason?: string;
  notice?: string;
}

export default function BindForm(props: BindFormProps) {
  return (
    <AccountForm
      action="/oauth_callback"
      submitLabel="绑定"
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
    >
      <input type="hidden" name="access_token" value={props.accessToken} />
      <FieldMessage id="access_token" message={props.errors.access_token} />
      <FieldMessage id="account" message={props.errors.account} />
      {props.errors.qq && (
        <p class="error" data-field="qq" role="alert">
          {props.errors.qq}
          {props.reason && <span class="reason">（{props.reason}）</span>}
        </p>
      )}
    </AccountForm>
  );
}
