import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { FieldMessage } from "@/components/AccountForm.tsx";
import QqLoginButton from "@/islands/QqLoginButton.tsx";
import { readForm } from "@/lib/http/forms.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  next: string;
  username: string;
  error?: string;
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      username: "",
    });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const result = await logIn(app, fields, clientAddress);
    if (result.ok) return loggedInRedirect(app, req, result.user, next);
    const username = fields.username?.slice(0, 64) ?? "";
    return ctx.render({ next, username, error: result.message }, {
      status: result.throttled ? 429 : 400,
    });
  },
};

export default function Login({ data }: PageProps<Data, State>) {
  return (
    <section class="card">
      <Head>
        <title>登录 - 美多商城</title>
      </Head>
      <h1>登录</h1>
      <form
        method="post"
        action={`/login?next=${encodeURIComponent(data.next)}`}
        class="account-form"
      >
        <label>
          用户名或手机号
          <input
            name="username"
            autoComplete="username"
            maxLength={64}
            value={data.username}
          />
        </label>
        <label>
          密码
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={128}
          />
        </label>
        <FieldMessage id="account" message={data.error} />
        <button type="submit" class="primary">登录</button>
      </form>
      <div class="actions">
        <QqLoginButton next={data.next} />
        <a href={`/register?next=${encodeURIComponent(data.next)}`}>
          注册新账号
        </a>
      </div>
    </section>
  );
}
