import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { findBindingOfUser, type QqBinding } from "@/lib/social/bindings.ts";
import type { State } from "@/lib/http/request_state.ts";
import type { User } from "@/lib/accounts/users.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  user: User;
  binding: QqBinding | null;
}

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const { app, user } = ctx.state;
    if (!user) {
      return new Response(null, {
        status: 303,
        headers: { location: "/login?next=/account" },
      });
    }
    const { binding } = await findBindingOfUser(app.kv, user.id);
    return ctx.render({ user, binding });
  },
};

export default function Account(
  { data: { user, binding } }: PageProps<Data, State>,
) {
  return (
    <section class="card">
      <Head>
        <title>我的账户 - 美多商城</title>
      </Head>
      <h1>我的账户</h1>
      <dl class="details">
        <dt>用户名</dt>
        <dd data-field="username">{user.username}</dd>
        <dt>手机号</dt>
        <dd data-field="mobile">{user.mobile}</dd>
        <dt>QQ绑定</dt>
        <dd data-field="qq">
          {binding
            ? (
              <>
                已绑定{binding.nickname ? `（${binding.nickname}）` : ""}
                <form method="post" action="/account/qq/unbind" class="inline">
                  <button type="submit" class="secondary">解除绑定</button>
                </form>
              </>
            )
            : (
              <>
                未绑定 <a href="/oauth/qq/login?next=/account">绑定QQ</a>
              </>
            )}
        </dd>
      </dl>
    </section>
  );
}
