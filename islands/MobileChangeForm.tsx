import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";

export interface MobileChangeFormProps extends ReturnedForm {
  /** Past the login limit: the image code the password check must carry. */
  passwordImageCodeUuid?: string;
}

/** 更换手机号: the new mobile (`mobile`), a code sent to it, and the current password. */
export default function MobileChangeForm(
  { passwordImageCodeUuid, ...returned }: MobileChangeFormProps,
) {
  return (
    <AccountForm
      {...returned}
      action="/account/mobile"
      submitLabel="更换手机号"
      purpose="change_mobile"
      fields={{
        mobile: { label: "新手机号" },
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
