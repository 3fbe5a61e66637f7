// GET /agreement: the shop's 用户协议 (LEGAL_DIR/agreement.md, or the template).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { NOT_STORED } from "@/components/AlreadyLoggedIn.tsx";
import { LegalTextPage } from "@/components/LegalTextPage.tsx";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<unknown, State> = {
  GET(_req, ctx) {
    // The header names who is logged in: such a page is never kept by a cache.
    return ctx.render(undefined, { headers: ctx.state.user ? NOT_STORED : {} });
  },
};

export default function Agreement({ state }: PageProps<unknown, State>) {
  return <LegalTextPage text={state.app.legal.agreement} />;
}
