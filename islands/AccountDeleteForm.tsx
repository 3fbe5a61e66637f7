import { AccountForm } from "@/components/AccountForm.tsx";

export interface AccountDeleteFormProps {
  /** The account's own mobile: the code goes to it. */
  mobile: string;
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** The image code the server asks for before the next SMS (the form without JavaScript). */
  imageCodeUuid?: string;
  /** Past the login limit: the image code the password check must carry. */
  passwordImageCodeUuid?: string;
}

/** 注销账号: the current password and a code sent to the account's mobile. */
export default function AccountDeleteForm(props: AccountDeleteFormProps) {
  return (
    <AccountForm
      action="/account/delete"
      submitLabel="注销账号"
      purpose="delete_account"
      fields={{
        // The account's own: the code goes to it.
        mobile: { readOnly: true },
        password: { label: "登录密码", autoComplete: "current-password" },
      }}
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
      // One image code serves both: the password check past the login limit, and the next SMS.
      imageCodeUuid={props.imageCodeUuid ?? props.passwordImageCodeUuid}
    />
  );
}
