// GET, POST /password/reset (忘记密码): a reset code to the account's mobile, then a new password.
import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import PasswordResetForm, {
  type PasswordResetFormProps,
} from "@/islands/PasswordResetForm.tsx";
import { resetPassword } from "@/lib/accounts/password_reset.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { askForSmsCode, refusedForm } from "@/lib/forms/account_form.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

const NO_STORE = { "cache-control": "no-store" };

export const handler: Handlers<PasswordResetFormProps, State> = {
  GET(_req, ctx) {
    return ctx.render({ mobile: "", errors: {} }, { headers: NO_STORE });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "reset_password",
        browser: ctx.state.browser,
      });
      return ctx.render(form, { status, headers: NO_STORE });
    }
    const result = await resetPassword(app, fields, clientAddress);
    if (result.ok) return loggedInRedirect(app, req, result.user, "/account");
    return ctx.render(await refusedForm(app, fields, result), {
      status: 400,
      headers: NO_STORE,
    });
  },
};

export default function PasswordReset(
  { data }: PageProps<PasswordResetFormProps, State>,
) {
  return (
    <section class="card">
      <Head>
        <title>找回密码 - 美多商城</title>
      </Head>
      <h1>找回密码</h1>
      <p class="lead">
        输入账号绑定的手机号，获取短信验证码后设置新密码。重置后所有已登录的设备都会退出。
      </p>
      <PasswordResetForm {...data} />
      <p class="aside">
        想起来了？<a href="/login">登录</a>
      </p>
    </section>
  );
}
