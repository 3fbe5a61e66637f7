// GET /agreement: the shop's 用户协议 (LEGAL_DIR/agreement.md, or the template).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { LegalTextPage } from "@/components/LegalTextPage.tsx";
import type { State } from "@/lib/http/request_state.ts";
import { renderSharedPage } from "@/lib/http/shared_pages.ts";
import { legalHtml } from "@/lib/legal/texts.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<string, State> = {
  GET: async (req, ctx) =>
    renderSharedPage(req, ctx, await legalHtml(ctx.state.app.legal.agreement)),
};

export default function Agreement({ data, state }: PageProps<string, State>) {
  return <LegalTextPage text={state.app.legal.agreement} html={data} />;
}
