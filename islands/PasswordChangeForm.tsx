import { useState } from "preact/hooks";
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
  const [oldPassword, setOldPassword] = useState("");
  const [password, setPassword] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState(props.errors);
  const passwordError =
    (password || submitted ? fieldError(passwordSchema, password) : null) ??
      serverErrors.password;
  const missing = submitted && (!oldPassword || !password);
  const edited = (name: string) => {
    setServerErrors((errors) => ({
      ...errors,
      [name]: undefined,
      form: undefined,
    }));
  };
  return (
    <form
      method="post"
      action="/account/password"
      class="account-form"
      noValidate
      onSubmit={(event) => {
        setSubmitted(true);
        if (!oldPassword || fieldError(passwordSchema, password)) {
          event.preventDefault();
        }
      }}
    >
      <label>
        原密码
        <input
          name="old_password"
          type="password"
          autoComplete="current-password"
          maxLength={128}
          value={oldPassword}
          onInput={(event) => {
            setOldPassword(event.currentTarget.value);
            edited("old_password");
          }}
        />
        <FieldMessage
          id="old_password"
          message={serverErrors.old_password}
        />
      </label>
      <label>
        新密码
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={20}
          value={password}
          onInput={(event) => {
            setPassword(event.currentTarget.value);
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
        message={missing ? formMessages.missingFields : serverErrors.form}
      />
      <button type="submit" class="primary">修改密码</button>
    </form>
  );
}
