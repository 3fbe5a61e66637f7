// GET /privacy: the shop's 隐私政策 (LEGAL_DIR/privacy.md, or the template).
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

export default function Privacy({ state }: PageProps<unknown, State>) {
  return <LegalTextPage text={state.app.legal.privacy} />;
}
