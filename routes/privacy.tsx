// GET /privacy: the shop's 隐私政策 (LEGAL_DIR/privacy.md, or the template).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { LegalTextPage } from "@/components/LegalTextPage.tsx";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<unknown, State> = {
  async GET(_req, ctx) {
    const page = await ctx.render();
    // The header names who is logged in: such a page is never kept by a cache.
    return ctx.state.user ? noStore(page) : page;
  },
};

export default function Privacy({ state }: PageProps<unknown, State>) {
  return <LegalTextPage text={state.app.legal.privacy} />;
}
