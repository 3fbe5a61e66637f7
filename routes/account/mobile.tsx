// GET, POST /account/mobile (更换手机号): a new mobile, the code sent to it, and the current password.
import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import MobileChangeForm, {
  type MobileChangeFormProps,
} from "@/islands/MobileChangeForm.tsx";
import { changeMobile } from "@/lib/accounts/mobile_change.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { askForSmsCode, refusedForm } from "@/lib/forms/account_form.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  current: string;
  form: MobileChangeFormProps;
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    const user = ctx.state.user!; // routes/account/_middleware.ts lets only the logged in through
    return ctx.render({
      current: user.mobile,
      form: { mobile: "", errors: {} },
    });
  },

  async POST(req, ctx) {
    const { app, clientAddress, session } = ctx.state;
    const user = ctx.state.user!;
    const fields = await readForm(req);
    const page = (form: MobileChangeFormProps) => ({
      current: user.mobile,
      form,
    });
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "change_mobile",
      });
      return ctx.render(page(form), { status });
    }
    const result = await changeMobile(app, user, fields, clientAddress);
    if (result.ok) {
      return loggedInRedirect(app, req, result.user, "/account", {
        remembered: session?.remembered ?? true,
      });
    }
    return ctx.render(
      page({
        ...await refusedForm(app, fields, result),
        passwordImageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
      }),
      { status: 400 },
    );
  },
};

export default function MobileChange({ data }: PageProps<Data, State>) {
  return (
    <section class="card">
      <Head>
        <title>更换手机号 - 美多商城</title>
      </Head>
      <h1>更换手机号</h1>
      <p class="lead">
        当前手机号 <span data-field="mobile">{maskMobile(data.current)}</span>
        。验证码将发送到新手机号；更换后，其他已登录的设备都会退出。
      </p>
      <MobileChangeForm {...data.form} />
      <p class="aside">
        <a href="/account">返回我的账户</a>
      </p>
    </section>
  );
}
