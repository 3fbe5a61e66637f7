import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { messages } from "../lib/messages.ts";
import {
  fieldError,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "../lib/validation.ts";
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

/**
 * Mobile, password and SMS code, checked as you type with the server's own rules. The server's messages
 * stay until the field they belong to is edited.
 */
export function AccountForm(props: AccountFormProps) {
  const mobile = useSignal(props.mobile);
  const password = useSignal("");
  const smsCode = useSignal("");
  const submitted = useSignal(false);
  const serverErrors = useSignal(props.errors);
  const notice = useSignal(props.notice ?? "");

  const live = (
    value: string,
    check: () => string | null,
  ) => (value || submitted.value ? check() : null);
  const errors = {
    mobile: live(mobile.value, () => fieldError(mobileSchema, mobile.value)),
    password: live(
      password.value,
      () => fieldError(passwordSchema, password.value),
    ),
    sms_code: live(
      smsCode.value,
      () => fieldError(smsCodeSchema, smsCode.value),
    ),
  };
  const missing = submitted.value &&
    (!mobile.value || !password.value || !smsCode.value);
  const shown = (field: keyof typeof errors) =>
    errors[field] ?? serverErrors.value[field];

  const edit = (field: keyof typeof errors, value: string) => {
    ({ mobile, password, sms_code: smsCode })[field].value = value;
    serverErrors.value = {
      ...serverErrors.value,
      [field]: undefined,
      form: undefined,
    };
  };

  return (
    <form
      method="post"
      action={props.action}
      class="account-form"
      noValidate
      onSubmit={(event) => {
        submitted.value = true;
        const values = [mobile.value, password.value, smsCode.value];
        const schemas = [mobileSchema, passwordSchema, smsCodeSchema];
        if (
          schemas.some((schema, i) => fieldError(schema, values[i]) !== null)
        ) event.preventDefault();
      }}
    >
      {props.children}
      <label>
        手机号
        <input
          name="mobile"
          type="tel"
          inputMode="numeric"
          autoComplete="tel"
          maxLength={11}
          value={mobile.value}
          onInput={(event) => edit("mobile", event.currentTarget.value)}
        />
        <FieldMessage id="mobile" message={shown("mobile")} />
      </label>
      <label>
        密码
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={20}
          value={password.value}
          onInput={(event) => edit("password", event.currentTarget.value)}
        />
        <FieldMessage id="password" message={shown("password")} />
      </label>
      <label>
        短信验证码
        <span class="with-button">
          <input
            name="sms_code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={smsCode.value}
            onInput={(event) => edit("sms_code", event.currentTarget.value)}
          />
          <SmsCodeButton
            mobile={mobile}
            onSent={(error) => {
              serverErrors.value = {
                ...serverErrors.value,
                sms_code: error ?? undefined,
              };
              notice.value = error ? "" : "短信验证码已发送";
            }}
          />
        </span>
        <FieldMessage id="sms_code" message={shown("sms_code")} />
      </label>
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
      <FieldMessage
        id="form"
        message={missing ? messages.missingFields : serverErrors.value.form}
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
