import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { LoginNotice } from "@/components/LoginNotice.tsx";
import { loginNoticeFor } from "@/lib/http/login_notice.ts";
import { maskIfMobile } from "@/lib/core/mask.ts";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  /** Wrong passwords tried since the last login, told once after this login. */
  failedLogins: number | null;
}

export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app, user } = ctx.state;
    if (!user) return noStore(await ctx.render({ failedLogins: null }));
    const notice = await loginNoticeFor(app, req, user.id);
    // It names who is logged in: never kept by a cache, nor shown again by Back after logging out.
    return noStore(
      notice.shown(await ctx.render({ failedLogins: notice.failures })),
    );
  },
};

export default function Home({ data, state }: PageProps<Data, State>) {
  const user = state.user;
  const name = user && maskIfMobile(user.username);
  return (
    <Page
      title="首页"
      heading={user ? `欢迎您，${name}` : "欢迎来到美多商城"}
    >
      <LoginNotice failures={data?.failedLogins ?? null} />
      <p class="who">{user ? `当前登录：${name}` : "您尚未登录。"}</p>
      <div class="actions">
        {!user && <ProviderLogins config={state.app.config} next="/" />}
        {!user && <a class="button secondary" href="/login">账号登录</a>}
        {!user && <a class="button secondary" href="/register">注册</a>}
        <a class="button secondary" href="/account">我的账户</a>
      </div>
    </Page>
  );
}
