import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";

export interface AccountDeleteFormProps extends ReturnedForm {
  /** Past the login limit: the image code the password check must carry. */
  passwordImageCodeUuid?: string;
}

/** 注销账号: the current password and a code sent to the account's mobile (`mobile`). */
export default function AccountDeleteForm(
  { passwordImageCodeUuid, ...returned }: AccountDeleteFormProps,
) {
  return (
    <AccountForm
      {...returned}
      action="/account/delete"
      submitLabel="注销账号"
      purpose="delete_account"
      fields={{
        // The account's own: the code goes to it.
        mobile: { readOnly: true },
        password: {
          label: "登录密码",
          autoComplete: "current-password",
          showsRule: false,
        },
      }}
      // One image code serves both: the password check past the login limit, and the next SMS.
      imageCodeUuid={returned.imageCodeUuid ?? passwordImageCodeUuid}
    />
  );
}
