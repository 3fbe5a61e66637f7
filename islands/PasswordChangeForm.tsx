import { useSignal } from "@preact/signals";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import * as formMessages from "@/lib/forms/words.ts";
import { fieldError, passwordSchema } from "@/lib/forms/rules.ts";

export interface PasswordChangeFormProps {
  errors: Partial<Record<string, string>>;
  imageCodeUuid?: string;
}

/** 修改密码: the current password and a new one, the new one checked as you type by the server's rule. */
export default function PasswordChangeForm(props: PasswordChangeFormProps) {
  const oldPassword = useSignal("");
  const password = useSignal("");
  const submitted = useSignal(false);
  const serverErrors = useSignal(props.errors);
  const passwordError =
    (password.value || submitted.value
      ? fieldError(passwordSchema, password.value)
      : null) ?? serverErrors.value.password;
  const missing = submitted.value && (!oldPassword.value || !password.value);
  const edited = (name: string) => {
    serverErrors.value = {
      ...serverErrors.value,
      [name]: undefined,
      form: undefined,
    };
  };
  return (
    <form
      method="post"
      action="/account/password"
      class="account-form"
      noValidate
      onSubmit={(event) => {
        submitted.value = true;
        if (
          !oldPassword.value || fieldError(passwordSchema, password.value)
        ) event.preventDefault();
      }}
    >
      <label>
        原密码
        <input
          name="old_password"
          type="password"
          autoComplete="current-password"
          maxLength={128}
          value={oldPassword.value}
          onInput={(event) => {
            oldPassword.value = event.currentTarget.value;
            edited("old_password");
          }}
        />
        <FieldMessage
          id="old_password"
          message={serverErrors.value.old_password}
        />
      </label>
      <label>
        新密码
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={20}
          value={password.value}
          onInput={(event) => {
            password.value = event.currentTarget.value;
            edited("password");
          }}
        />
        <FieldMessage id="password" message={passwordError} />
      </label>
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
