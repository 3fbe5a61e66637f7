import { useState } from "preact/hooks";
import type { ComponentChildren, JSX } from "preact";
import { formMessages } from "@/lib/form_messages.ts";
import {
  type AccountField,
  fieldError,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "@/lib/validation.ts";
import { SmsCodeButton } from "./SmsCodeButton.tsx";

export interface AccountFormProps {
  action: string;
  submitLabel: string;
  /** The mobile entered before, kept when the form comes back with errors. */
  mobile: string;
  /** The server's messages by field; "form" is for the whole form. */
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** Hidden fields and messages of the particular form. */
  children?: ComponentChildren;
}

const FIELDS = {
  mobile: {
    label: "手机号",
    schema: mobileSchema,
    input: {
      type: "tel",
      inputMode: "numeric",
      autoComplete: "tel",
      maxLength: 11,
    },
  },
  password: {
    label: "密码",
    schema: passwordSchema,
    input: { type: "password", autoComplete: "new-password", maxLength: 20 },
  },
  sms_code: {
    label: "短信验证码",
    schema: smsCodeSchema,
    input: {
      inputMode: "numeric",
      autoComplete: "one-time-code",
      maxLength: 6,
    },
  },
} satisfies Record<
  AccountField,
  {
    label: string;
    schema: unknown;
    input: JSX.InputHTMLAttributes<HTMLInputElement>;
  }
>;

const NAMES = Object.keys(FIELDS) as AccountField[];

/**
 * Mobile, password and SMS code, checked as you type with the server's own rules. The server's messages
 * stay until the field they belong to is edited.
 */
export function AccountForm(props: AccountFormProps) {
  const [values, setValues] = useState<Record<AccountField, string>>({
    mobile: props.mobile,
    password: "",
    sms_code: "",
  });
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState(props.errors);
  const [notice, setNotice] = useState(props.notice ?? "");

  const clientError = (name: AccountField) =>
    fieldError(FIELDS[name].schema, values[name]);
  // An empty field is not an error while you are still filling the form in.
  const shownError = (name: AccountField) =>
    (values[name] || submitted ? clientError(name) : null) ??
      serverErrors[name];
  const missing = submitted && NAMES.some((name) => !values[name]);

  const field = (name: AccountField, extra?: ComponentChildren) => {
    const input = (
      <input
        name={name}
        {...FIELDS[name].input}
        value={values[name]}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setValues((old) => ({ ...old, [name]: value }));
          setServerErrors((old) => ({
            ...old,
            [name]: undefined,
            form: undefined,
          }));
        }}
      />
    );
    return (
      <label>
        {FIELDS[name].label}
        {extra ? <span class="with-button">{input}{extra}</span> : input}
        <FieldMessage id={name} message={shownError(name)} />
      </label>
    );
  };

  return (
    <form
      method="post"
      action={props.action}
      class="account-form"
      noValidate
      onSubmit={(event) => {
        setSubmitted(true);
        if (NAMES.some((name) => clientError(name) !== null)) {
          event.preventDefault();
        }
      }}
    >
      {props.children}
      {field("mobile")}
      {field("password")}
      {field(
        "sms_code",
        <SmsCodeButton
          mobile={values.mobile}
          onSent={(error) => {
            setServerErrors((old) => ({
              ...old,
              sms_code: error ?? undefined,
            }));
            setNotice(error ? "" : formMessages.smsCodeSent);
          }}
        />,
      )}
      {notice && <p class="notice" role="status">{notice}</p>}
      <FieldMessage
        id="form"
        message={missing ? formMessages.missingFields : serverErrors.form}
      />
      <button type="submit" class="primary">{props.submitLabel}</button>
    </form>
  );
}

export function FieldMessage(
  { id, message }: { id: string; message?: string | null },
) {
  return message
    ? <p class="error" data-field={id} role="alert">{message}</p>
    : null;
}
