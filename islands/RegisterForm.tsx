import { AccountForm, type ReturnedForm } from "@/components/AccountForm.tsx";

export interface RegisterFormProps extends ReturnedForm {
  next: string;
}

export default function RegisterForm({ next, ...returned }: RegisterFormProps) {
  return (
    <AccountForm
      {...returned}
      action={`/register?next=${encodeURIComponent(next)}`}
      submitLabel="注册"
      consent
    />
  );
}
