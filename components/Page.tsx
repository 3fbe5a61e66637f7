// A page's chrome: its card, <title> and <h1>, and the lead and aside most pages have. Server-rendered only.
import type { ComponentChildren } from "preact";
import { Head } from "$fresh/runtime.ts";

export interface PageProps {
  /** What the page is: its heading, and its <title> as `<title> - 美多商城`. */
  title: string;
  /** The heading when it says more than the title (the home page greets, the bind page explains). */
  heading?: ComponentChildren;
  /** The whole <title>, for a page that is not the shop's own (a sign-in simulator's). */
  documentTitle?: string;
  /** Classes besides `card`: `problem`, a simulator's look. */
  look?: string;
  /** The paragraph under the heading that says what the page does. */
  lead?: ComponentChildren;
  /** The line at the end with the ways elsewhere. */
  aside?: ComponentChildren;
  children?: ComponentChildren;
}

export function Page(
  { title, heading, documentTitle, look, lead, aside, children }: PageProps,
) {
  return (
    <section class={look ? `card ${look}` : "card"}>
      <Head>
        <title>{documentTitle ?? `${title} - 美多商城`}</title>
      </Head>
      <h1>{heading ?? title}</h1>
      {lead && <p class="lead">{lead}</p>}
      {children}
      {aside && <p class="aside">{aside}</p>}
    </section>
  );
}

/** The way back most account pages offer. */
export function BackToAccount() {
  return <a href="/account">返回我的账户</a>;
}
