// GET /agreement: the shop's 用户协议 (LEGAL_DIR/agreement.md, or the template).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { LegalTextPage } from "@/components/LegalTextPage.tsx";
import type { State } from "@/lib/http/request_state.ts";
import { renderSharedPage } from "@/lib/http/shared_pages.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<unknown, State> = { GET: renderSharedPage };

export default function Agreement({ state }: PageProps<unknown, State>) {
  return <LegalTextPage text={state.app.legal.agreement} />;
}
