// The body of the forms that ask for an SMS code (bind, register, password reset, mobile change, account
// deletion); runs in the browser inside those islands, and on the server.
import { type Signal, useSignal } from "@preact/signals";
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import * as formMessages from "@/lib/forms/words.ts";
import type { Help } from "@/lib/forms/help.ts";
import {
  ACCOUNT_MISSING,
  type AccountField,
  allowSchema,
  fieldError,
  hasForbiddenCharacters,
  mobileSchema,
  passwordSchema,
  smsCodeSchema,
} from "@/lib/forms/rules.ts";
import { ConsentCheckbox } from "./ConsentCheckbox.tsx";
import { FieldMessage } from "./FieldMessage.tsx";
import { ImageCodeField, pageUuid } from "./ImageCodeField.tsx";
import { PasswordToggle } from "./PasswordToggle.tsx";
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
  /** The register and bind forms: 我已阅读并同意《用户协议》和《隐私政策》 (`allow`) must be ticked. */
  consent?: boolean;
  /** The box was ticked when the form was posted: it stays so when the form comes back. */
  allow?: boolean;
  /**
   * The fields the form has, of mobile, password and SMS code (default: all three): 短信验证码登录 has no
   * password, the SMS login's sign-up only the password.
   */
  only?: AccountField[];
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
  | "allow"
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
  const names = props.only ?? NAMES;
  const values: Record<AccountField, Signal<string>> = {
    mobile: useSignal(props.mobile),
    password: useSignal(""),
    sms_code: useSignal(props.smsCode ?? ""),
  };
  const allow = useSignal(Boolean(props.allow));
  const submitted = useSignal(false);
  const passwordShown = useSignal(false);
  const serverErrors = useSignal(props.errors);
  const help = useSignal(props.help ?? {});
  const notice = useSignal(props.notice ?? "");
  const imageCodeUuid = useSignal(props.imageCodeUuid ?? null);
  // Set when the SMS ask was refused for its image code: the (new) image's field takes the focus.
  const imageAsked = useSignal(Boolean(props.imageCodeAsked));
  const hydrated = useSignal(false);
  const cameBack = Object.values(props.errors).some(Boolean);
  // After a failed submit the page opens on the first field to fix; without JavaScript too (autofocus).
  const firstBad = props.imageCodeAsked ? null : (
    names.find((name) => props.errors[name]) ??
      (props.errors.form ? names.find((name) => !values[name].peek()) : null)
  );
  const formRef = useRef<HTMLFormElement>(null);
  // Once alive, the SMS button and 换一张 run here. And Fresh 1.7.3 revives an island by rendering it
  // anew, which can take away the focus `autofocus` gave before it ran: the form gives it back.
  useEffect(() => {
    hydrated.value = true;
    formRef.current?.querySelector<HTMLElement>("[autofocus]")?.focus();
  }, []);
  // An image drawn because the SMS ask was refused for it: its field is where to go next.
  useEffect(() => {
    if (imageAsked.peek()) {
      formRef.current?.querySelector<HTMLElement>("#field-image_code")?.focus();
    }
  }, [imageCodeUuid.value]);

  // An empty field is not an error while you are still filling the form in; once submitted, it says so.
  const clientError = (name: AccountField) =>
    values[name].value
      ? fieldError(SCHEMAS[name], values[name].value)
      : submitted.value
      ? ACCOUNT_MISSING[name]
      : null;
  const shownError = (name: AccountField) =>
    clientError(name) ?? serverErrors.value[name];
  const missing = submitted.value && names.some((name) => !values[name].value);
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
  const hintFor = (name: AccountField, showsRule = true) => {
    if (name !== "password") return null;
    const reenter = cameBack && !values.password.value &&
      !serverErrors.value.password;
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
    const invalid = error || (formError && !values[name].value);
    const describedBy = [
      hint && `${name}-hint`,
      error && `${name}-message`,
    ].filter(Boolean).join(" ");
    const input = (
      <input
        id={`field-${name}`}
        name={name}
        {...attributes}
        type={name === "password" && passwordShown.value
          ? "text"
          : attributes.type}
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
          {label}
        </label>
        {extra ? <div class="with-button">{input}{extra}</div> : input}
        {hint && <p class="hint" id={`${name}-hint`}>{hint}</p>}
        <FieldMessage id={name} message={error} help={helpFor(name)} />
      </div>
    );
  };

  const drawImage = () => {
    imageCodeUuid.value = pageUuid();
  };
  const onSent = (
    { error, retryAfterS, newImage, imageAsked: asked }: SmsSent,
  ) => {
    imageAsked.value = Boolean(asked);
    // Once a code is sent the image has done its work and goes; a refused ask may want a new one.
    if (!error) imageCodeUuid.value = null;
    else if (newImage) drawImage();
    // A refusal for the image code is said under the image code, any other under the SMS code.
    serverErrors.value = {
      ...serverErrors.value,
      image_code: asked ? error! : undefined,
      sms_code: asked ? undefined : error ?? undefined,
    };
    help.value = {
      ...help.value,
      sms_code: retryAfterS
        ? { text: formMessages.waitBeforeResend(retryAfterS) }
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
        const bad = names.find((name) => clientError(name) !== null);
        // Then the box, by the server's rule and in its order: after the fields.
        const unticked = props.consent && !bad &&
          fieldError(allowSchema, allow.value ? "on" : "");
        if (unticked) {
          serverErrors.value = {
            ...serverErrors.value,
            allow: unticked,
          };
        }
        if (bad || unticked) {
          event.preventDefault();
          (event.currentTarget.elements.namedItem(
            bad ?? "allow",
          ) as HTMLElement)
            .focus();
        }
      }}
    >
      {
        /* Enter submits a form through its first submit button: this one, so never the SMS button, which
        without JavaScript is a submit button too. */
      }
      <button type="submit" hidden>{props.submitLabel}</button>
      {names.includes("mobile") && field("mobile")}
      {names.includes("password") &&
        field(
          "password",
          <PasswordToggle shown={passwordShown} hydrated={hydrated.value} />,
        )}
      {imageCodeUuid.value && (
        <ImageCodeField
          // A new image is a new field: the answer typed for the old one goes with it.
          key={imageCodeUuid.value}
          uuid={imageCodeUuid.value}
          error={serverErrors.value.image_code}
          focus={imageAsked.value ||
            (!firstBad && Boolean(props.errors.image_code))}
          onNewImage={hydrated.value ? drawImage : undefined}
        />
      )}
      {names.includes("sms_code") && field(
        "sms_code",
        <SmsCodeButton
          purpose={props.purpose}
          mobile={values.mobile}
          hydrated={hydrated.value}
          resendInS={props.resendInS ?? 0}
          onSent={onSent}
        />,
      )}
      {props.consent && (
        <ConsentCheckbox
          checked={allow.value}
          // Once ticked, no message stays beside it.
          error={allow.value ? null : serverErrors.value.allow}
          onChange={(event) => allow.value = event.currentTarget.checked}
        />
      )}
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
      {props.children}
      <FieldMessage id="form" message={formError} help={help.value.form} />
      <button type="submit" class="primary">{props.submitLabel}</button>
    </form>
  );
}
