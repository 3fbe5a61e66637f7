// A sign-in simulator's authorize page (components/SimulatorPage.tsx): who to sign in as, a preset or one
// used before at a click, or one typed in. Server-rendered only; it works without JavaScript.
import type { ComponentChildren } from "preact";
import type {
  PickerChoice,
  PickerClasses,
  PickerLook,
} from "@/lib/social/simulator.ts";
import { Page } from "./Page.tsx";

const CLASSES: PickerClasses = {
  list: "dev-identities",
  choice: "dev-identity",
  nickname: "dev-nickname",
  id: "dev-id",
  custom: "dev-custom",
};

export interface IdentityPickerProps extends PickerLook {
  /** Where the forms post: the page's own URL, so the authorize parameters stay in the query. */
  action: string;
  choices: PickerChoice[];
  /** Why the last post was refused, and what it was posted with. */
  problem?: string;
  form?: Record<string, string>;
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
    <Page
      title={heading}
      documentTitle={`${heading}（开发模拟器）`}
      look={look}
    >
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
    </Page>
  );
}
