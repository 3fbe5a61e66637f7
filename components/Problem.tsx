// A page that says what went wrong (the 404 and 500 pages, a refused login or bind). Server-rendered.
import { Page } from "./Page.tsx";

export interface ProblemProps {
  title: string;
  message: string;
  /** Where the person can go from here. */
  action?: { href: string; label: string };
}

/** A page that says what went wrong and offers one way on. */
export function Problem({ title, message, action }: ProblemProps) {
  return (
    <Page title={title} look="problem">
      <p>{message}</p>
      {action && <a class="button primary" href={action.href}>{action.label}
      </a>}
    </Page>
  );
}

/** The 404 and 500 pages: what went wrong, and the way back home. */
export function ErrorPage({ title, message }: Omit<ProblemProps, "action">) {
  return (
    <Problem
      title={title}
      message={message}
      action={{ href: "/", label: "返回首页" }}
    />
  );
}
