import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";
import { ConsentCheckbox } from "@/components/ConsentCheckbox.tsx";

export interface RegisterFormProps extends ReturnedForm {
  next: string;
  /**
   * The sign-up an SMS login started (GET /register?continue=1): the mobile is proven already, so the
   * form asks only for a password and the consent. `action` is where it posts.
   */
  completion?: { action: string; allowed: boolean };
}

export default function RegisterForm(
  { next, completion, ...returned }: RegisterFormProps,
) {
  if (completion) {
    return (
      <AccountForm
        {...returned}
        action={completion.action}
        submitLabel="注册"
        only={["password"]}
      >
        <ConsentCheckbox
          checked={completion.allowed}
          error={returned.errors.allow}
        />
      </AccountForm>
    );
  }
  return (
    <AccountForm
      {...returned}
      action={`/register?next=${encodeURIComponent(next)}`}
      submitLabel="注册"
      consent
    />
  );
}
