// The body of the forms that ask for an SMS code (bind, register, password reset, mobile change, account
// deletion); runs in the browser inside those islands, and on the server.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as formMessages from "@/lib/forms/words.ts";
import type { Help } from "@/lib/forms/help.ts";
import {
  type AccountField,
  fieldError,
  hasForbiddenCharacters,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "@/lib/forms/rules.ts";
import { FieldMessage } from "./FieldMessage.tsx";
import { ImageCodeField, pageUuid } from "./ImageCodeField.tsx";
import { SmsCodeButton, type SmsSent } from "./SmsCodeButton.tsx";
import type { SmsPurpose } from "@/lib/sms/codes.ts";

export interface AccountFormProps {
  action: string;
  submitLabel: string;
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
  /**
   * Set when the server asks for an image code, before the next SMS or past the login limit (one field
   * serves both): the uuid it drew one for.
   */
  imageCodeUuid?: string;
  /** The last SMS ask was refused for its image code: the page opens on that field. */
  imageCodeAsked?: boolean;
  /** What the SMS code is for (default `signup`): the reset's and the account page's forms ask for theirs. */
  purpose?: SmsPurpose;
  /**
   * A field's label and input attributes in place of the defaults: 新手机号, 新密码…, the account's own
   * mobile read-only, an existing account's password (`autoComplete: "current-password"`).
   */
  fields?: Partial<Record<AccountField, FieldOptions>>;
  /** Hidden fields, and messages about the whole form (shown above the submit button). */
  children?: ComponentChildren;
}

/**
 * What a form that comes back from the server carries: what lib/forms/account_form.ts keeps of what was
 * typed, the messages and their help, and the image code asked for.
 */
export type ReturnedForm = Pick<
  AccountFormProps,
  | "mobile"
  | "smsCode"
  | "resendInS"
  | "errors"
  | "help"
  | "notice"
  | "imageCodeUuid"
  | "imageCodeAsked"
>;

type FieldOptions =
  & {
    label?: string;
    /** False for the account's current password: the rule for new ones is not its hint. */
    showsRule?: boolean;
  }
  & JSX.InputHTMLAttributes<HTMLInputElement>;

const FIELDS: Record<AccountField, FieldOptions> = {
  mobile: {
    label: "手机号",
    type: "tel",
    inputMode: "numeric",
    autoComplete: "tel",
    maxLength: 11,
  },
  password: {
    label: "密码",
    type: "password",
    autoComplete: "new-password",
    maxLength: 20,
  },
  sms_code: {
    label: "短信验证码",
    inputMode: "numeric",
    autoComplete: "one-time-code",
    maxLength: 6,
  },
};

const SCHEMAS = {
  mobile: mobileSchema,
  password: passwordSchema,
  sms_code: smsCodeSchema,
};

const NAMES = Object.keys(FIELDS) as AccountField[];

/**
 * Mobile, password and SMS code, checked as you type with the server's own rules. The server's messages
 * stay until the field they belong to is edited. Enter in any field submits the form, never the SMS button.
 */
export function AccountForm(props: AccountFormProps) {
  // Preact's own hooks rather than signals: every page with a form ships this, and @preact/signals
  // would add 2.5 KiB to each (docs/performance.md).
  const [values, setValues] = useState<Record<AccountField, string>>({
    mobile: props.mobile,
    password: "",
    sms_code: props.smsCode ?? "",
  });
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState(props.errors);
  const [help, setHelp] = useState(props.help ?? {});
  const [notice, setNotice] = useState(props.notice ?? "");
  const [imageCodeUuid, setImageCodeUuid] = useState(
    props.imageCodeUuid ?? null,
  );
  // Set when the SMS ask was refused for its image code: the (new) image's field takes the focus.
  const [imageAsked, setImageAsked] = useState(Boolean(props.imageCodeAsked));
  const [hydrated, setHydrated] = useState(false);
  const cameBack = Object.values(props.errors).some(Boolean);
  // After a failed submit the page opens on the first field to fix; without JavaScript too (autofocus).
  const firstBad = props.imageCodeAsked ? null : (
    NAMES.find((name) => props.errors[name]) ??
      (props.errors.form ? NAMES.find((name) => !values[name]) : null)
  );
  const formRef = useRef<HTMLFormElement>(null);
  // Once alive, the SMS button and 换一张 run here. And Fresh 1.7.3 revives an island by rendering it
  // anew, which can take away the focus `autofocus` gave before it ran: the form gives it back.
  useEffect(() => {
    setHydrated(true);
    formRef.current?.querySelector<HTMLElement>("[autofocus]")?.focus();
  }, []);
  // An image drawn because the SMS ask was refused for it: its field is where to go next.
  useEffect(() => {
    if (imageAsked) {
      formRef.current?.querySelector<HTMLElement>("#field-image_code")?.focus();
    }
  }, [imageCodeUuid]);

  const clientError = (name: AccountField) =>
    fieldError(SCHEMAS[name], values[name]);
  // An empty field is not an error while you are still filling the form in.
  const shownError = (name: AccountField) =>
    (values[name] || submitted ? clientError(name) : null) ??
      serverErrors[name];
  const missing = submitted && NAMES.some((name) => !values[name]);
  const formError = missing ? formMessages.missingFields : serverErrors.form;
  const helpFor = (name: AccountField): Help | undefined => {
    if (serverErrors[name]) return help[name];
    if (
      name === "password" && shownError(name) &&
      hasForbiddenCharacters(values.password)
    ) return { text: formMessages.passwordCharacters };
  };
  const hintFor = (name: AccountField, showsRule = true) => {
    if (name !== "password") return null;
    const reenter = cameBack && !values.password && !serverErrors.password;
    if (!showsRule) return reenter ? formMessages.reenterPassword : null;
    return reenter
      ? `${formMessages.passwordRule}。${formMessages.reenterPassword}`
      : formMessages.passwordRule;
  };

  const field = (name: AccountField, extra?: ComponentChildren) => {
    const { label, showsRule, ...attributes } = {
      ...FIELDS[name],
      ...props.fields?.[name],
    };
    const error = shownError(name);
    const hint = hintFor(name, showsRule);
    const invalid = error || (formError && !values[name]);
    const describedBy = [
      hint && `${name}-hint`,
      error && `${name}-message`,
    ].filter(Boolean).join(" ");
    const input = (
      <input
        id={`field-${name}`}
        name={name}
        {...attributes}
        value={values[name]}
        autoFocus={name === firstBad}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={describedBy || undefined}
        onInput={(event) => {
          const { value } = event.currentTarget;
          setValues((values) => ({ ...values, [name]: value }));
          setServerErrors((errors) => ({
            ...errors,
            [name]: undefined,
            form: undefined,
          }));
        }}
      />
    );
    return (
      <div class="field">
        <label for={`field-${name}`}>
          {label}
        </label>
        {extra ? <div class="with-button">{input}{extra}</div> : input}
        {hint && <p class="hint" id={`${name}-hint`}>{hint}</p>}
        <FieldMessage id={name} message={error} help={helpFor(name)} />
      </div>
    );
  };

  const drawImage = () => setImageCodeUuid(pageUuid());
  const onSent = (
    { error, retryAfterS, newImage, imageAsked: asked }: SmsSent,
  ) => {
    setImageAsked(Boolean(asked));
    if (newImage) drawImage();
    setServerErrors((errors) => ({ ...errors, sms_code: error ?? undefined }));
    setHelp((help) => ({
      ...help,
      sms_code: retryAfterS
        ? { text: formMessages.waitBeforeResend(retryAfterS) }
        : undefined,
    }));
    setNotice(error ? "" : formMessages.smsCodeSent);
  };

  return (
    <form
      ref={formRef}
      method="post"
      action={props.action}
      class="account-form"
      noValidate
      onSubmit={(event) => {
        setSubmitted(true);
        const bad = NAMES.find((name) => clientError(name) !== null);
        if (bad) {
          event.preventDefault();
          (event.currentTarget.elements.namedItem(bad) as HTMLElement).focus();
        }
      }}
    >
      {
        /* Enter submits a form through its first submit button: this one, so never the SMS button, which
        without JavaScript is a submit button too. */
      }
      <button type="submit" hidden>{props.submitLabel}</button>
      {field("mobile")}
      {field("password")}
      {imageCodeUuid && (
        <ImageCodeField
          // A new image is a new field: the answer typed for the old one goes with it.
          key={imageCodeUuid}
          uuid={imageCodeUuid}
          error={serverErrors.image_code}
          focus={imageAsked ||
            (!firstBad && Boolean(props.errors.image_code))}
          onNewImage={hydrated ? drawImage : undefined}
        />
      )}
      {field(
        "sms_code",
        <SmsCodeButton
          purpose={props.purpose}
          mobile={values.mobile}
          hydrated={hydrated}
          resendInS={props.resendInS ?? 0}
          onSent={onSent}
        />,
      )}
      {notice && <p class="notice" role="status">{notice}</p>}
      {props.children}
      <FieldMessage id="form" message={formError} help={help.form} />
      <button type="submit" class="primary">{props.submitLabel}</button>
    </form>
  );
}
