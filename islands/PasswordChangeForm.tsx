import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import { PasswordToggle } from "@/components/PasswordToggle.tsx";
import * as formMessages from "@/lib/forms/words.ts";
import { fieldError, MISSING, passwordSchema } from "@/lib/forms/rules.ts";

export interface PasswordChangeFormProps {
  errors: Partial<Record<string, string>>;
  imageCodeUuid?: string;
}

type Field = "old_password" | "password";

/** 修改密码: the current password and a new one, the new one checked as you type by the server's rule. */
export default function PasswordChangeForm(props: PasswordChangeFormProps) {
  const values = { old_password: useSignal(""), password: useSignal("") };
  const shown = { old_password: useSignal(false), password: useSignal(false) };
  const submitted = useSignal(false);
  const hydrated = useSignal(false);
  const serverErrors = useSignal(props.errors);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  // An empty field says so once the form is submitted; the new password is checked as it is typed.
  const clientError = (name: Field) =>
    values[name].value
      ? name === "password"
        ? fieldError(passwordSchema, values[name].value)
        : null
      : submitted.value
      ? MISSING[name]
      : null;
  const missing = submitted.value &&
    (!values.old_password.value || !values.password.value);

  const field = (name: Field, label: string, autoComplete: string) => {
    const error = clientError(name) ?? serverErrors.value[name];
    const hint = name === "password" ? formMessages.passwordRule : null;
    const describedBy = [
      hint && `${name}-hint`,
      error && `${name}-message`,
    ].filter(Boolean).join(" ");
    return (
      <div class="field">
        <label for={`field-${name}`}>{label}</label>
        <div class="with-button">
          <input
            id={`field-${name}`}
            name={name}
            type={shown[name].value ? "text" : "password"}
            autoComplete={autoComplete}
            maxLength={name === "password" ? 20 : 128}
            value={values[name].value}
            autoFocus={Boolean(props.errors[name])}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={describedBy || undefined}
            onInput={(event) => {
              values[name].value = event.currentTarget.value;
              serverErrors.value = {
                ...serverErrors.value,
                [name]: undefined,
                form: undefined,
              };
            }}
          />
          <PasswordToggle shown={shown[name]} hydrated={hydrated.value} />
        </div>
        {hint && <p class="hint" id={`${name}-hint`}>{hint}</p>}
        <FieldMessage id={name} message={error} />
      </div>
    );
  };

  return (
    <form
      method="post"
      action="/account/password"
      class="account-form"
      noValidate
      onSubmit={(event) => {
        submitted.value = true;
        const bad = (["old_password", "password"] as const).find((name) =>
          clientError(name) !== null
        );
        if (bad) {
          event.preventDefault();
          (event.currentTarget.elements.namedItem(bad) as HTMLElement).focus();
        }
      }}
    >
      {field("old_password", "原密码", "current-password")}
      {field("password", "新密码", "new-password")}
      {props.imageCodeUuid && (
        <ImageCodeField
          uuid={props.imageCodeUuid}
          error={props.errors.image_code}
        />
      )}
      <FieldMessage
        id="form"
        message={missing ? formMessages.missingFields : serverErrors.value.form}
      />
      <button type="submit" class="primary">修改密码</button>
    </form>
  );
}
