import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { NOT_STORED } from "@/components/AlreadyLoggedIn.tsx";
import { LoginNotice } from "@/components/LoginNotice.tsx";
import { takeLoginNotice } from "@/lib/accounts/failed_logins.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  /** Wrong passwords tried since the last login, told once after this login. */
  failedLogins: number | null;
}

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const { app, user } = ctx.state;
    const failedLogins = user ? await takeLoginNotice(app.kv, user.id) : null;
    // It names who is logged in: never kept by a cache, nor shown again by Back after logging out.
    return ctx.render({ failedLogins }, { headers: NOT_STORED });
  },
};

export default function Home({ data, state }: PageProps<Data, State>) {
  const user = state.user;
  return (
    <section class="card">
      <Head>
        <title>首页 - 美多商城</title>
      </Head>
      <h1>{user ? `欢迎您，${user.username}` : "欢迎来到美多商城"}</h1>
      <LoginNotice failures={data?.failedLogins ?? null} />
      <p class="who">{user ? `当前登录：${user.username}` : "您尚未登录。"}</p>
      <div class="actions">
        {!user && <ProviderLogins config={state.app.config} next="/" />}
        {!user && <a class="button secondary" href="/login">账号登录</a>}
        {!user && <a class="button secondary" href="/register">注册</a>}
        <a class="button secondary" href="/account">我的账户</a>
      </div>
    </section>
  );
}
