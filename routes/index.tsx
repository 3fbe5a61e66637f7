import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { NOT_STORED } from "@/components/AlreadyLoggedIn.tsx";
import { maskIfMobile } from "@/lib/core/mask.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<unknown, State> = {
  GET(_req, ctx) {
    // It names who is logged in: never kept by a cache, nor shown again by Back after logging out.
    return ctx.render(undefined, { headers: NOT_STORED });
  },
};

export default function Home({ state }: PageProps<unknown, State>) {
  const user = state.user;
  const name = user && maskIfMobile(user.username);
  return (
    <section class="card">
      <Head>
        <title>首页 - 美多商城</title>
      </Head>
      <h1>{user ? `欢迎您，${name}` : "欢迎来到美多商城"}</h1>
      <p class="who">{user ? `当前登录：${name}` : "您尚未登录。"}</p>
      <div class="actions">
        {!user && <ProviderLogins config={state.app.config} next="/" />}
        {!user && <a class="button secondary" href="/login">账号登录</a>}
        {!user && <a class="button secondary" href="/register">注册</a>}
        <a class="button secondary" href="/account">我的账户</a>
      </div>
    </section>
  );
}
