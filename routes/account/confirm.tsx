// GET, POST /account/confirm?next=… (验证密码): the password given again in this session, which then
// may, for 10 minutes, connect and unbind providers, export the account, change its mobile or delete it.
// A plain form: it works the same with JavaScript and without.
import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import { confirmPassword } from "@/lib/accounts/confirmation.ts";
import { browserOf } from "@/lib/http/browser_id.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { messages } from "@/lib/messages.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  next: string;
  errors: Partial<Record<"password" | "image_code" | "form", string>>;
  imageCodeUuid?: string;
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      errors: {},
    });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    // routes/account/_middleware.ts lets only the logged in through
    const user = ctx.state.user!;
    const session = ctx.state.session!;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const result = await confirmPassword(
      app,
      user,
      session,
      fields,
      clientAddress,
      browserOf(app, req),
    );
    if (result.ok) {
      return new Response(null, { status: 303, headers: { location: next } });
    }
    return ctx.render({
      next,
      errors: { [result.field]: result.message },
      imageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
    }, { status: 400 });
  },
};

export default function Confirm({ data }: PageProps<Data, State>) {
  const { next, errors, imageCodeUuid } = data;
  return (
    <section class="card">
      <Head>
        <title>{messages.confirmTitle} - 美多商城</title>
      </Head>
      <h1>{messages.confirmTitle}</h1>
      <p class="lead">{messages.confirmWhy}</p>
      <form
        method="post"
        action={`/account/confirm?next=${encodeURIComponent(next)}`}
        class="account-form"
      >
        <label>
          登录密码
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={128}
            required
            autoFocus
            aria-invalid={errors.password ? "true" : undefined}
            aria-describedby={errors.password ? "password-message" : undefined}
          />
          <FieldMessage id="password" message={errors.password} />
        </label>
        {imageCodeUuid && (
          <ImageCodeField uuid={imageCodeUuid} error={errors.image_code} />
        )}
        <input type="hidden" name="next" value={next} />
        <FieldMessage id="form" message={errors.form} />
        <div class="actions">
          <button type="submit" class="primary">确认</button>
          <a class="button secondary" href="/account">取消</a>
        </div>
      </form>
      <p class="aside">
        忘记密码？<a href="/password/reset">用短信验证码重设密码</a>
        ，重设后即可继续。
      </p>
    </section>
  );
}
