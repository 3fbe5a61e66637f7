import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import {
  ProviderBindings,
  type ProviderRow,
} from "@/components/ProviderBindings.tsx";
import { findBindingsOfUser } from "@/lib/social/bindings.ts";
import { enabledProviders } from "@/lib/social/registry.ts";
import { maskIfMobile, maskMobile } from "@/lib/core/mask.ts";
import type { State } from "@/lib/http/request_state.ts";
import type { User } from "@/lib/accounts/users.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  user: User;
  providers: ProviderRow[];
}

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const { app } = ctx.state;
    const user = ctx.state.user!; // routes/account/_middleware.ts lets only the logged in through
    const bindings = await findBindingsOfUser(app.kv, user.id);
    const providers = enabledProviders(app.config).map(({ id, name }) => ({
      id,
      name,
      binding: bindings.get(id) ?? null,
    }));
    return ctx.render({ user, providers });
  },
};

export default function Account(
  { data: { user, providers } }: PageProps<Data, State>,
) {
  return (
    <section class="card">
      <Head>
        <title>我的账户 - 美多商城</title>
      </Head>
      <h1>我的账户</h1>
      <dl class="details">
        <dt>用户名</dt>
        <dd data-field="username">{maskIfMobile(user.username)}</dd>
        <dt>手机号</dt>
        <dd data-field="mobile">{maskMobile(user.mobile)}</dd>
        <ProviderBindings rows={providers} />
      </dl>
      <ul class="account-links">
        <li>
          <a href="/account/password">修改密码</a>
        </li>
        <li>
          <a href="/account/mobile">更换手机号</a>
        </li>
        <li>
          <a href="/account/sessions">登录设备</a>
        </li>
        <li>
          <a href="/account/export">导出我的数据</a>
        </li>
        <li>
          <a href="/account/delete">注销账号</a>
        </li>
      </ul>
    </section>
  );
}
