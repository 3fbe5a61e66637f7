import { AccountForm } from "@/components/AccountForm.tsx";

export interface MobileChangeFormProps {
  /** The new mobile entered before. */
  mobile: string;
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** The image code the server asks for before the next SMS (the form without JavaScript). */
  imageCodeUuid?: string;
  /** Past the login limit: the image code the password check must carry. */
  passwordImageCodeUuid?: string;
}

/** 更换手机号: the new mobile, a code sent to it, and the current password. */
export default function MobileChangeForm(props: MobileChangeFormProps) {
  return (
    <AccountForm
      action="/account/mobile"
      submitLabel="更换手机号"
      purpose="change_mobile"
      fields={{
        mobile: { label: "新手机号" },
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
