// GET, POST /password/reset (忘记密码): a reset code to the account's mobile, then a new password.
import type { Handlers, RouteConfig } from "$fresh/server.ts";
import { formPage } from "@/components/FormPage.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import PasswordResetForm, {
  type PasswordResetFormProps,
} from "@/islands/PasswordResetForm.tsx";
import { resetPassword } from "@/lib/accounts/password_reset.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { askForSmsCode, refusedForm } from "@/lib/forms/account_form.ts";
import { formAnswer, keptSmsFormPage } from "@/lib/http/form_states.ts";
import { setFlash } from "@/lib/http/flash.ts";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<PasswordResetFormProps, State> = {
  async GET(req, ctx) {
    return await keptSmsFormPage<PasswordResetFormProps>(ctx, req) ??
      noStore(await ctx.render({ mobile: "", errors: {} }));
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const headers = new Headers({ "cache-control": "no-store" });
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "reset_password",
        browser: ctx.state.browser,
      });
      return formAnswer(ctx, req, form, { status, headers });
    }
    const result = await resetPassword(app, fields, clientAddress);
    // The account page right after shows the bindings that still log in without the password.
    if (result.ok) {
      setFlash(app, headers, "password_reset");
      return loggedInRedirect(app, req, result.user, "/account", {
        headers,
        proven: true,
        afterReset: true,
      });
    }
    return formAnswer(ctx, req, await refusedForm(app, fields, result), {
      status: 400,
      headers,
    });
  },
};

export default formPage(PasswordResetForm, {
  title: "找回密码",
  lead:
    "输入账号绑定的手机号，获取短信验证码后设置新密码。重置后所有已登录的设备都会退出。",
  aside: (
    <>
      想起来了？<a href="/login">登录</a>
    </>
  ),
});
