import { AccountForm } from "@/components/AccountForm.tsx";

export interface PasswordResetFormProps {
  mobile: string;
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** The image code the server asks for before the next SMS (the form without JavaScript). */
  imageCodeUuid?: string;
}

/** 忘记密码: the account's mobile, a reset code sent to it, and the new password. */
export default function PasswordResetForm(props: PasswordResetFormProps) {
  return (
    <AccountForm
      action="/password/reset"
      submitLabel="重置密码"
      purpose="reset_password"
      fields={{ password: { label: "新密码" } }}
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
      imageCodeUuid={props.imageCodeUuid}
    />
  );
}
