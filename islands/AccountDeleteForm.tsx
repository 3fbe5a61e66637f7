import { AccountForm } from "@/components/AccountForm.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";

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
      labels={{ password: "登录密码" }}
      passwordAutocomplete="current-password"
      mobileReadOnly
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
      imageCodeUuid={props.imageCodeUuid}
    >
      {props.passwordImageCodeUuid && (
        <ImageCodeField
          uuid={props.passwordImageCodeUuid}
          error={props.errors.image_code}
        />
      )}
    </AccountForm>
  );
}
