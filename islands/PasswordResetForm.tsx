import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";

export type PasswordResetFormProps = ReturnedForm;

/** 忘记密码: the account's mobile, a reset code sent to it, and the new password. */
export default function PasswordResetForm(props: PasswordResetFormProps) {
  return (
    <AccountForm
      {...props}
      action="/password/reset"
      submitLabel="重置密码"
      purpose="reset_password"
      fields={{ password: { label: "新密码" } }}
    />
  );
}
