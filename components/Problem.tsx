import { Head } from "$fresh/runtime.ts";

export interface ProblemProps {
  title: string;
  message: string;
  /** Where the person can go from here. */
  action?: { href: string; label: string };
}

/** A page that says what went wrong and offers one way on. */
export function Problem({ title, message, action }: ProblemProps) {
  return (
    <section class="card problem">
      <Head>
        <title>{title} - 美多商城</title>
      </Head>
      <h1>{title}</h1>
      <p>{message}</p>
      {action && <a class="button primary" href={action.href}>{action.label}
      </a>}
    </section>
  );
}
