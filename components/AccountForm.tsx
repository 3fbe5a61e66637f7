import { type Signal, useSignal } from "@preact/signals";
import type { ComponentChildren, JSX } from "preact";
import { formMessages } from "@/lib/form_messages.ts";
import {
  type AccountField,
  fieldError,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "@/lib/validation.ts";
import {
  ImageCodeField,
  SmsCodeButton,
  useImageCode,
} from "./SmsCodeButton.tsx";
import type { SmsPurpose } from "@/lib/sms/codes.ts";

export interface AccountFormProps {
  action: string;
  submitLabel: string;
  /** The mobile entered before, kept when the form comes back with errors. */
  mobile: string;
  /** The server's messages by field; "form" is for the whole form. */
  errors: Partial<Record<string, string>>;
  notice?: string;
  /** Set when the server asks for an image code before the next SMS: the uuid it drew one for. */
  imageCodeUuid?: string;
  /** What the SMS code is for (default `signup`): the reset's and the account page's forms ask for theirs. */
  purpose?: SmsPurpose;
  /** Labels in place of 手机号, 密码, 短信验证码 (新手机号, 新密码…). */
  labels?: Partial<Record<AccountField, string>>;
  /** The mobile is the account's own, shown but not edited (the code goes to it). */
  mobileReadOnly?: boolean;
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
  const values: Record<AccountField, Signal<string>> = {
    mobile: useSignal(props.mobile),
    password: useSignal(""),
    sms_code: useSignal(""),
  };
  const submitted = useSignal(false);
  const serverErrors = useSignal(props.errors);
  const notice = useSignal(props.notice ?? "");
  const imageCode = useImageCode(props.imageCodeUuid);

  const clientError = (name: AccountField) =>
    fieldError(FIELDS[name].schema, values[name].value);
  // An empty field is not an error while you are still filling the form in.
  const shownError = (name: AccountField) =>
    (values[name].value || submitted.value ? clientError(name) : null) ??
      serverErrors.value[name];
  const missing = submitted.value && NAMES.some((name) => !values[name].value);

  const field = (name: AccountField, extra?: ComponentChildren) => {
    const input = (
      <input
        name={name}
        {...FIELDS[name].input}
        readOnly={name === "mobile" && props.mobileReadOnly}
        value={values[name].value}
        onInput={(event) => {
          values[name].value = event.currentTarget.value;
          serverErrors.value = {
            ...serverErrors.value,
            [name]: undefined,
            form: undefined,
          };
        }}
      />
    );
    return (
      <label>
        {props.labels?.[name] ?? FIELDS[name].label}
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
        submitted.value = true;
        if (NAMES.some((name) => clientError(name) !== null)) {
          event
            .preventDefault();
        }
      }}
    >
      {props.children}
      {field("mobile")}
      {field("password")}
      <ImageCodeField
        imageCode={imageCode}
        error={serverErrors.value.image_code}
      />
      {field(
        "sms_code",
        <SmsCodeButton
          purpose={props.purpose}
          mobile={values.mobile}
          imageCode={imageCode}
          onSent={(error) => {
            serverErrors.value = {
              ...serverErrors.value,
              sms_code: error ?? undefined,
            };
            notice.value = error ? "" : formMessages.smsCodeSent;
          }}
        />,
      )}
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
      <FieldMessage
        id="form"
        message={missing ? formMessages.missingFields : serverErrors.value.form}
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
