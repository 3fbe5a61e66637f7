import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { AlreadyLoggedIn, NOT_STORED } from "@/components/AlreadyLoggedIn.tsx";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  next: string;
  username: string;
  remembered: boolean;
  errors: Partial<Record<"account" | "image_code", string>>;
  /** Past the login limit: the image code the next attempt must carry. */
  imageCodeUuid?: string;
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      username: "",
      remembered: false,
      errors: {},
    }, { headers: ctx.state.user ? NOT_STORED : {} });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const remembered = fields.remembered === "on";
    const result = await logIn(app, fields, clientAddress, ctx.state.browser);
    if (result.ok) {
      return loggedInRedirect(app, req, result.user, next, { remembered });
    }
    return ctx.render({
      next,
      username: fields.username?.slice(0, 64) ?? "",
      remembered,
      errors: { [result.field]: result.message },
      imageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
    }, { status: 400 });
  },
};

export default function Login({ data, state }: PageProps<Data, State>) {
  // A refused login is shown as such even to a logged-in browser.
  if (state.user && Object.keys(data.errors).length === 0) {
    return <AlreadyLoggedIn username={state.user.username} wanted="登录" />;
  }
  const next = encodeURIComponent(data.next);
  return (
    <section class="card">
      <Head>
        <title>登录 - 美多商城</title>
      </Head>
      <h1>登录</h1>
      <form method="post" action={`/login?next=${next}`} class="account-form">
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
        {data.imageCodeUuid && (
          <ImageCodeField
            uuid={data.imageCodeUuid}
            error={data.errors.image_code}
          />
        )}
        <label class="checkbox">
          <input
            type="checkbox"
            name="remembered"
            value="on"
            checked={data.remembered}
          />
          记住登录
        </label>
        <FieldMessage id="account" message={data.errors.account} />
        <button type="submit" class="primary">登录</button>
      </form>
      <div class="actions">
        <ProviderLogins config={state.app.config} next={data.next} />
        <a href={`/register?next=${next}`}>注册新账号</a>
        <a href="/password/reset">忘记密码？</a>
      </div>
    </section>
  );
}
