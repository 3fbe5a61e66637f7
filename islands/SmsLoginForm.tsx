import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";

export interface SmsLoginFormProps extends ReturnedForm {
  next: string;
  remembered: boolean;
}

/** 短信验证码登录: a mobile and the code sent to it (purpose `login`), like the register form without a password. */
export default function SmsLoginForm(
  { next, remembered, ...returned }: SmsLoginFormProps,
) {
  return (
    <AccountForm
      {...returned}
      action={`/login?by=sms&next=${encodeURIComponent(next)}`}
      submitLabel="登录"
      purpose="login"
      only={["mobile", "sms_code"]}
    >
      <label class="checkbox">
        <input
          type="checkbox"
          name="remembered"
          value="on"
          checked={remembered}
        />
        记住登录
      </label>
    </AccountForm>
  );
}
