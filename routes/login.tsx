import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import { Page } from "@/components/Page.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { AlreadyLoggedIn } from "@/components/AlreadyLoggedIn.tsx";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { startSession } from "@/lib/http/login_cookies.ts";
import { logIn } from "@/lib/accounts/login.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { noStore } from "@/lib/http/security.ts";
import { messages } from "@/lib/messages.ts";
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
  async GET(_req, ctx) {
    const page = await ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      username: "",
      remembered: false,
      errors: {},
    });
    // Logged in, it names who (AlreadyLoggedIn): never shown again by Back after logging out.
    return ctx.state.user ? noStore(page) : page;
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const remembered = fields.remembered === "on";
    const result = await logIn(app, fields, clientAddress, ctx.state.browser);
    if (result.ok) {
      const started = await startSession(app, req, result.user, next, {
        remembered,
        upgrade: result.upgrade,
        proven: true,
      });
      if (started) return started;
    }
    // Not logged in; or the password was right as it was checked, but its owner changed it meanwhile.
    const refused = result.ok
      ? {
        field: "account" as const,
        message: messages.wrongCredentials,
        captcha: false,
      }
      : result;
    return ctx.render({
      next,
      username: fields.username?.slice(0, 64) ?? "",
      remembered,
      errors: { [refused.field]: refused.message },
      imageCodeUuid: refused.captcha ? newImageCodeUuid() : undefined,
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
    <Page title="登录">
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
    </Page>
  );
}
