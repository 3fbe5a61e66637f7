// A page that is one form under the page's chrome, the route's data being the form's props.
// Server-rendered (the form itself is usually an island).
import type { ComponentType } from "preact";
import { Page, type PageProps } from "./Page.tsx";

/** The route component of a page that shows `Form` with the route's data, in `chrome`. */
export function formPage<P extends object>(
  Form: ComponentType<P>,
  chrome: Omit<PageProps, "children">,
) {
  return function FormPage({ data }: { data: P }) {
    return (
      <Page {...chrome}>
        <Form {...data} />
      </Page>
    );
  };
}
