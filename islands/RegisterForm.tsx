import { AccountForm } from "@/components/AccountForm.tsx";

export interface RegisterFormProps {
  next: string;
  mobile: string;
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** The image code the server asks for before the next SMS (the form without JavaScript). */
  imageCodeUuid?: string;
}

export default function RegisterForm(props: RegisterFormProps) {
  return (
    <AccountForm
      action={`/register?next=${encodeURIComponent(props.next)}`}
      submitLabel="注册"
      mobile={props.mobile}
      errors={props.errors}
      notice={props.notice}
      imageCodeUuid={props.imageCodeUuid}
    />
  );
}
