import type { FreshContext } from "$fresh/server.ts";
import { currentApp } from "@/lib/app/app.ts";
import { nameRequestSpan } from "@/lib/core/telemetry.ts";
import { currentUser } from "@/lib/http/current_user.ts";
import { HttpError, plainText } from "@/lib/http/errors.ts";
import { checkBody } from "@/lib/forms/posted.ts";
import { browserOf } from "@/lib/http/browser_id.ts";
import { askConsentFirst } from "@/lib/http/consent_gate.ts";
import { asSeenBy } from "@/lib/http/own_host.ts";
import { withRenewedSessionCookie } from "@/lib/http/login_cookies.ts";
import { pendingFlash, withFlashShown } from "@/lib/http/flash.ts";
import {
  clientAddress,
  isCrossOriginPost,
  withSecurityHeaders,
} from "@/lib/http/security.ts";
import { messages } from "@/lib/messages.ts";
import { sharedPagesOf } from "@/lib/http/shared_pages.ts";
import type { State } from "@/lib/http/request_state.ts";

export async function handler(
  req: Request,
  ctx: FreshContext<State>,
): Promise<Response> {
  // The route's pattern, never the URL: a callback's query holds the provider's code and the state.
  nameRequestSpan(req.method, ctx.route || `(${ctx.destination})`);
  const app = await currentApp();
  // A logged-out visitor's home, login or register page, as the last one was rendered (shared_pages.ts).
  const pages = sharedPagesOf(app);
  const shareAs = pages.keyOf(req, ctx);
  const shared = shareAs === null ? null : pages.answer(shareAs);
  if (shared) return shared;
  const response = withSecurityHeaders(
    await answer(req, ctx),
    app.config.production,
  );
  return shareAs === null
    ? response
    : await pages.keep(shareAs, response, ctx.route);

  async function answer(
    req: Request,
    ctx: FreshContext<State>,
  ): Promise<Response> {
    if (isCrossOriginPost(req, ctx.url)) {
      return plainText(403, messages.crossOrigin);
    }
    try {
      // Before any work: a body over the limit or too slow is refused whether or not the route reads it.
      await checkBody(req);
      ctx.state.app = asSeenBy(app, ctx.url);
      ctx.state.clientAddress = clientAddress(
        req,
        ctx.remoteAddr,
        app.config.trustProxy,
      );
      ctx.state.browser = browserOf(app, req);
      const { session, user } = ctx.destination === "route"
        ? await currentUser(app, req)
        : { session: null, user: null };
      ctx.state.session = session;
      ctx.state.user = user;
      // Only a logged-in user is asked: a visitor costs no read here.
      const consentFirst = user &&
        await askConsentFirst(app, user.id, req, ctx.url);
      if (consentFirst) return consentFirst;
      // A confirmation waiting from the last change is shown by the next page, and only once.
      const flash = ctx.destination === "route" && req.method === "GET"
        ? pendingFlash(app, req)
        : null;
      if (flash) ctx.state.flash = flash;
      let response = await ctx.next();
      if (flash) response = withFlashShown(app, response);
      return session?.renewed && session.remembered
        ? withRenewedSessionCookie(app, req, response)
        : response;
    } catch (error) {
      if (error instanceof HttpError) {
        return plainText(error.status, error.message);
      }
      throw error;
    }
  }
}
