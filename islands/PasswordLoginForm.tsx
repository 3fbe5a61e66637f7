import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import { PasswordToggle } from "@/components/PasswordToggle.tsx";
import { MISSING } from "@/lib/forms/rules.ts";

export interface PasswordLoginFormProps {
  /** Where the form posts: /login with the page's `next`. */
  action: string;
  username: string;
  remembered: boolean;
  /** The server's messages: `account` for the form as a whole, then by field. */
  errors: Partial<Record<string, string>>;
  /** Past the login limit: the image code the next attempt must carry. */
  imageCodeUuid?: string;
}

type Field = "username" | "password";

/** 账号密码登录: a username or mobile and the password; an empty field says so before anything is posted. */
export default function PasswordLoginForm(props: PasswordLoginFormProps) {
  const values = {
    username: useSignal(props.username),
    password: useSignal(""),
  };
  const submitted = useSignal(false);
  const shown = useSignal(false);
  const hydrated = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  // The server's messages for a field are about its being empty: typing in it answers them.
  const error = (name: Field) =>
    values[name].value
      ? undefined
      : submitted.value
      ? MISSING[name]
      : props.errors[name];

  const field = (name: Field, label: string, extra?: ComponentChildren) => {
    const message = error(name);
    const input = (
      <input
        id={`field-${name}`}
        name={name}
        type={name === "password" && !shown.value ? "password" : "text"}
        autoComplete={name === "password" ? "current-password" : "username"}
        maxLength={name === "password" ? 128 : 64}
        value={values[name].value}
        // After a refused login the password is what to type again.
        autoFocus={name === "password" && Boolean(props.errors.account)}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={message ? `${name}-message` : undefined}
        onInput={(event) => values[name].value = event.currentTarget.value}
      />
    );
    return (
      <div class="field">
        <label for={`field-${name}`}>{label}</label>
        {extra ? <div class="with-button">{input}{extra}</div> : input}
        <FieldMessage id={name} message={message} />
      </div>
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
        const empty = (["username", "password"] as const).find((name) =>
          !values[name].value
        );
        if (empty) {
          event.preventDefault();
          (event.currentTarget.elements.namedItem(empty) as HTMLElement)
            .focus();
        }
      }}
    >
      {field("username", "用户名或手机号")}
      {field(
        "password",
        "密码",
        <PasswordToggle shown={shown} hydrated={hydrated.value} />,
      )}
      {props.imageCodeUuid && (
        <ImageCodeField
          uuid={props.imageCodeUuid}
          error={props.errors.image_code}
        />
      )}
      <label class="checkbox">
        <input
          type="checkbox"
          name="remembered"
          value="on"
          checked={props.remembered}
        />
        记住登录
      </label>
      <FieldMessage id="account" message={props.errors.account} />
      <button type="submit" class="primary">登录</button>
    </form>
  );
}
