// A sign-in simulator's authorize page (routes/dev/<provider>/): who to sign in as, a preset or one used
// before at a click, or one typed in. Server-rendered only; it works without JavaScript.
import type { ComponentChildren, JSX } from "preact";
import { Head } from "$fresh/runtime.ts";

/** One identity to offer: the fields its button posts, and what the button says. */
export interface PickerChoice {
  key: string;
  fields: Record<string, string>;
  nickname: string;
  id: string;
}

/** A field of the form for another identity; its value comes back from a refused post. */
export interface PickerField {
  label: string;
  input: JSX.InputHTMLAttributes<HTMLInputElement> & { name: string };
}

export interface PickerClasses {
  list: string;
  choice: string;
  nickname: string;
  id: string;
  custom: string;
}

const CLASSES: PickerClasses = {
  list: "dev-identities",
  choice: "dev-identity",
  nickname: "dev-nickname",
  id: "dev-id",
  custom: "dev-custom",
};

export interface IdentityPickerProps {
  /** The page's heading, as the provider's own page says it: QQ登录, 微信登录, 微博登录. */
  heading: string;
  /** The section's class, the provider's look: dev-qq, dev-wechat, dev-weibo. */
  look: string;
  notice: string;
  /** Where the forms post: the page's own URL, so the authorize parameters stay in the query. */
  action: string;
  choices: PickerChoice[];
  custom: { heading: string; fields: PickerField[]; submit: string };
  /** Why the last post was refused, and what it was posted with. */
  problem?: string;
  form?: Record<string, string>;
  classes?: PickerClasses;
  /** Shown under the heading (WeChat's QR code). */
  children?: ComponentChildren;
}

export function IdentityPicker(
  {
    heading,
    look,
    notice,
    action,
    choices,
    custom,
    problem,
    form,
    classes = CLASSES,
    children,
  }: IdentityPickerProps,
) {
  return (
    <section class={`card ${look}`}>
      <Head>
        <title>{`${heading}（开发模拟器）`}</title>
      </Head>
      <h1>{heading}</h1>
      {children}
      <p class="notice">{notice}</p>
      {problem && <p class="error" role="alert">{problem}</p>}
      <ul class={classes.list}>
        {choices.map((choice) => (
          <li key={choice.key}>
            <form method="post" action={action}>
              {Object.entries(choice.fields).map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))}
              <button type="submit" class={classes.choice}>
                <span class={classes.nickname}>{choice.nickname}</span>
                <span class={classes.id}>{choice.id}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={action} class={classes.custom}>
        <h2>{custom.heading}</h2>
        {custom.fields.map(({ label, input }) => (
          <label key={input.name}>
            {label}
            <input {...input} value={form?.[input.name] ?? ""} />
          </label>
        ))}
        <button type="submit" class="primary">{custom.submit}</button>
      </form>
    </section>
  );
}
