import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import {
  ProviderBindings,
  type ProviderRow,
} from "@/components/ProviderBindings.tsx";
import { messages, providerMessages } from "@/lib/messages.ts";
import { rightAfterReset } from "@/lib/sessions/recent_proof.ts";
import { findBindingsOfUser } from "@/lib/social/bindings.ts";
import { recentConnects } from "@/lib/social/connect.ts";
import { enabledProviders } from "@/lib/social/registry.ts";
import { maskIfMobile, maskMobile } from "@/lib/core/mask.ts";
import type { State } from "@/lib/http/request_state.ts";
import type { User } from "@/lib/accounts/users.ts";
import { LoginNotice } from "@/components/LoginNotice.tsx";
import { loginNoticeFor } from "@/lib/http/login_notice.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  user: User;
  providers: ProviderRow[];
  /** 新绑定了QQ：… for each connect of the last 30 days, with its provider to unbind. */
  connects: { id: string; text: string }[];
  /** Right after a password reset (in its session, for 10 minutes): the bindings that log in without it. */
  afterReset: boolean;
  /** Wrong passwords tried since the last login, told once after this login. */
  failedLogins: number | null;
}

export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app, session } = ctx.state;
    const user = ctx.state.user!; // routes/account/_middleware.ts lets only the logged in through
    const now = app.now();
    const bindings = await findBindingsOfUser(app.kv, user.id);
    const enabled = enabledProviders(app.config);
    const providers = enabled.map(({ id, name }) => ({
      id,
      name,
      binding: bindings.get(id) ?? null,
    }));
    const connects = recentConnects(bindings.values(), now).flatMap(
      (binding) => {
        const provider = enabled.find(({ id }) => id === binding.provider);
        return provider
          ? [{
            id: provider.id,
            text: providerMessages(provider.name).connected(binding.nickname),
          }]
          : [];
      },
    );
    const afterReset = rightAfterReset(session, now);
    const notice = await loginNoticeFor(app, req, user.id);
    return notice.shown(
      await ctx.render({
        user,
        providers,
        connects,
        afterReset,
        failedLogins: notice.failures,
      }),
    );
  },
};

export default function Account(
  { data: { user, providers, connects, afterReset, failedLogins } }: PageProps<
    Data,
    State
  >,
) {
  const bound = providers.filter(({ binding }) => binding);
  return (
    <Page title="我的账户">
      {afterReset && (
        <div class="alert" role="status" data-notice="reset">
          <p>
            {bound.length ? messages.resetBindings : messages.resetNoBindings}
          </p>
          {bound.length > 0 && (
            <ul>
              {bound.map(({ id, name, binding }) => (
                <li key={id}>
                  {name}：{binding!.nickname ?? "（无昵称）"}{" "}
                  <a href={`/account/${id}/unbind`}>解除绑定</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {connects.map(({ id, text }) => (
        <p key={id} class="alert" role="status" data-notice="connect">
          {text}。{messages.notYours}
          <a href={`/account/${id}/unbind`}>解除绑定</a>
        </p>
      ))}
      <LoginNotice failures={failedLogins} />
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
    </Page>
  );
}
