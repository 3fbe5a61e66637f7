// The bind and register forms' shared body; runs in the browser inside those islands, and on the server.
import { type Signal, useSignal } from "@preact/signals";
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { formMessages, waitBeforeResend } from "@/lib/form_messages.ts";
import type { Help } from "@/lib/form_help.ts";
import {
  type AccountField,
  fieldError,
  hasForbiddenCharacters,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "@/lib/validation.ts";
import {
  ImageCodeField,
  SmsCodeButton,
  type SmsSent,
  useImageCode,
} from "./SmsCodeButton.tsx";
import type { SmsPurpose } from "@/lib/sms/codes.ts";

export interface AccountFormProps {
  action: string;
  submitLabel: string;
  /** An existing account's password (the bind) or a new one (the default), for password managers. */
  passwordAutocomplete?: "current-password" | "new-password";
  /** The mobile entered before, kept when the form comes back with errors. */
  mobile: string;
  /** A live SMS code entered before, kept when the form came back for another reason. */
  smsCode?: string;
  /** Seconds left, when the page was made, before another code may be sent to `mobile`. */
  resendInS?: number;
  /** The server's messages by field; "form" is for the whole form. */
  errors: Partial<Record<string, string>>;
  /** What to do next, beside the message of the same key. */
  help?: Partial<Record<string, Help>>;
  notice?: string;
  /** Set when the server asks for an image code before the next SMS: the uuid it drew one for. */
  imageCodeUuid?: string;
  /** What the SMS code is for (default `signup`): the reset's and the account page's forms ask for theirs. */
  purpose?: SmsPurpose;
  /** Labels in place of 手机号, 密码, 短信验证码 (新手机号, 新密码…). */
  labels?: Partial<Record<AccountField, string>>;
  /** The mobile is the account's own, shown but not edited (the code goes to it). */
  mobileReadOnly?: boolean;
  /** Hidden fields, and messages about the whole form (shown above the submit button). */
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
    input: { type: "password", maxLength: 20 },
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
 * stay until the field they belong to is edited. Enter in any field submits the form, never the SMS button.
 */
export function AccountForm(props: AccountFormProps) {
  const values: Record<AccountField, Signal<string>> = {
    mobile: useSignal(props.mobile),
    password: useSignal(""),
    sms_code: useSignal(props.smsCode ?? ""),
  };
  const submitted = useSignal(false);
  const serverErrors = useSignal(props.errors);
  const help = useSignal(props.help ?? {});
  const notice = useSignal(props.notice ?? "");
  const imageCode = useImageCode(props.imageCodeUuid);
  const cameBack = Object.values(props.errors).some(Boolean);
  // After a failed submit the page opens on the first field to fix; without JavaScript too (autofocus).
  const firstBad = NAMES.find((name) => props.errors[name]) ??
    (props.errors.form ? NAMES.find((name) => !values[name].peek()) : null);
  const formRef = useRef<HTMLFormElement>(null);
  // Fresh 1.7.3 revives an island by rendering it anew, which can take away the focus `autofocus` gave
  // before it ran: once alive, the form gives it back.
  useEffect(() => {
    const wanted = formRef.current?.querySelector<HTMLElement>("[autofocus]");
    if (wanted && document.activeElement !== wanted) wanted.focus();
  }, []);

  const clientError = (name: AccountField) =>
    fieldError(FIELDS[name].schema, values[name].value);
  // An empty field is not an error while you are still filling the form in.
  const shownError = (name: AccountField) =>
    (values[name].value || submitted.value ? clientError(name) : null) ??
      serverErrors.value[name];
  const missing = submitted.value && NAMES.some((name) => !values[name].value);
  const formError = missing
    ? formMessages.missingFields
    : serverErrors.value.form;
  const helpFor = (name: AccountField): Help | undefined => {
    if (serverErrors.value[name]) return help.value[name];
    if (
      name === "password" && shownError(name) &&
      hasForbiddenCharacters(values.password.value)
    ) return { text: formMessages.passwordCharacters };
  };
  const hintFor = (name: AccountField) => {
    if (name !== "password") return null;
    return cameBack && !values.password.value && !serverErrors.value.password
      ? `${formMessages.passwordRule}。${formMessages.reenterPassword}`
      : formMessages.passwordRule;
  };

  const field = (name: AccountField, extra?: ComponentChildren) => {
    const error = shownError(name);
    const hint = hintFor(name);
    const invalid = error !== null && error !== undefined ||
      (formError !== undefined && !values[name].value);
    const describedBy = [
      hint && `${name}-hint`,
      error && `${name}-message`,
    ].filter(Boolean).join(" ");
    const input = (
      <input
        id={`field-${name}`}
        name={name}
        {...FIELDS[name].input}
        {...(name === "password"
          ? { autoComplete: props.passwordAutocomplete ?? "new-password" }
          : {})}
        readOnly={name === "mobile" && props.mobileReadOnly}
        value={values[name].value}
        autoFocus={name === firstBad}
        aria-invalid={invalid ? "true" : undefined}
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
    );
    return (
      <div class="field">
        <label for={`field-${name}`}>
          {props.labels?.[name] ?? FIELDS[name].label}
        </label>
        {extra ? <div class="with-button">{input}{extra}</div> : input}
        {hint && <p class="hint" id={`${name}-hint`}>{hint}</p>}
        <FieldMessage id={name} message={error} help={helpFor(name)} />
      </div>
    );
  };

  const onSent = ({ error, retryAfterS }: SmsSent) => {
    serverErrors.value = {
      ...serverErrors.value,
      sms_code: error ?? undefined,
    };
    help.value = {
      ...help.value,
      sms_code: retryAfterS
        ? { text: waitBeforeResend(retryAfterS) }
        : undefined,
    };
    notice.value = error ? "" : formMessages.smsCodeSent;
  };

  return (
    <form
      ref={formRef}
      method="post"
      action={props.action}
      class="account-form"
      noValidate
      onSubmit={(event) => {
        submitted.value = true;
        const bad = NAMES.find((name) => clientError(name) !== null);
        if (bad) {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem(bad);
          if (input instanceof HTMLInputElement) input.focus();
        }
      }}
    >
      {
        /* Enter submits a form through its first submit button: this one, so never the SMS button, which
        without JavaScript is a submit button too. */
      }
      <button type="submit" hidden tabIndex={-1}>{props.submitLabel}</button>
      {field("mobile")}
      {field("password")}
      <ImageCodeField
        imageCode={imageCode}
        error={serverErrors.value.image_code}
        focus={!firstBad && Boolean(props.errors.image_code)}
      />
      {field(
        "sms_code",
        <SmsCodeButton
          purpose={props.purpose}
          mobile={values.mobile}
          imageCode={imageCode}
          resendInS={props.resendInS ?? 0}
          onSent={onSent}
        />,
      )}
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
      {props.children}
      <FieldMessage id="form" message={formError} help={help.value.form} />
      <button type="submit" class="primary">{props.submitLabel}</button>
    </form>
  );
}

export interface FieldMessageProps {
  /** The field (or "form", or a part of the form) the message is about. */
  id: string;
  message?: string | null;
  /** Why, beside the message: the contract's words, shown in brackets. */
  reason?: string;
  help?: Help;
  /** Takes the focus when the page opens: for a message about no one field. */
  focus?: boolean;
}

/** A message, `<p class="error" data-field=…>` with nothing but the message in it, and help beside it. */
export function FieldMessage(props: FieldMessageProps) {
  if (!props.message) return null;
  return (
    <div
      id={`${props.id}-message`}
      class="message"
      tabIndex={props.focus ? -1 : undefined}
      autoFocus={props.focus}
    >
      <p class="error" data-field={props.id} role="alert">
        {props.message}
        {props.reason && <span class="reason">（{props.reason}）</span>}
      </p>
      {props.help && <HelpText help={props.help} />}
    </div>
  );
}

function HelpText({ help }: { help: Help }) {
  return (
    <p class="help">
      {help.text}
      {help.link && (
        <>
          {" "}
          <a href={help.link.href}>{help.link.label}</a>
        </>
      )}
    </p>
  );
}
