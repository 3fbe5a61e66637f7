import { AccountForm } from "@/components/AccountForm.tsx";
import type { Help } from "@/lib/form_help.ts";

export interface RegisterFormProps {
  next: string;
  mobile: string;
  /** A live SMS code entered before, kept when registering failed for another reason. */
  smsCode?: string;
  /** Seconds left before another SMS code may be sent to `mobile`. */
  resendInS?: number;
  errors: Partial<Record<string, string>>;
  /** What to do next, beside the message of the same key. */
  help?: Partial<Record<string, Help>>;
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
      smsCode={props.smsCode}
      resendInS={props.resendInS}
      errors={props.errors}
      help={props.help}
      notice={props.notice}
      imageCodeUuid={props.imageCodeUuid}
    />
  );
}
