import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { recordAudit } from "@/lib/audit.ts";
import { maskIfMobile } from "@/lib/core/mask.ts";
import { loggedOutRedirect } from "@/lib/http/login_cookies.ts";
import { noStore } from "@/lib/http/security.ts";
import { Page } from "@/components/Page.tsx";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<unknown, State> = {
  // A link or a typed /logout gets the button; only the POST logs out, so no other site can.
  async GET(_req, ctx) {
    // It names who is logged in: never kept by a cache, nor shown again by Back after logging out.
    return noStore(await ctx.render());
  },

  async POST(req, ctx) {
    const { app, user, clientAddress } = ctx.state;
    if (user) {
      await recordAudit(app.kv, {
        action: "logout",
        outcome: "logged_out",
        clientAddress,
        userId: user.id,
      }, app.now());
    }
    return loggedOutRedirect(app, req, user ? "logged_out" : undefined);
  },
};

export default function Logout({ state }: PageProps<unknown, State>) {
  const { user } = state;
  return (
    <Page title="退出登录">
      <p class="who">
        {user ? `当前登录：${maskIfMobile(user.username)}` : "您尚未登录。"}
      </p>
      <form method="post" action="/logout" class="actions">
        <button type="submit" class="primary">退出登录</button>
        <a class="button secondary" href={user ? "/account" : "/"}>
          {user ? "返回我的账户" : "返回首页"}
        </a>
      </form>
    </Page>
  );
}
