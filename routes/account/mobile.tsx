// GET, POST /account/mobile (更换手机号): a new mobile, the code sent to it, and the current password.
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { BackToAccount, Page } from "@/components/Page.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import MobileChangeForm, {
  type MobileChangeFormProps,
} from "@/islands/MobileChangeForm.tsx";
import { changeMobile } from "@/lib/accounts/mobile_change.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { actOnAccountPost } from "@/lib/http/account_post.ts";
import { loggedInAgain } from "@/lib/http/login_cookies.ts";
import {
  askForSmsCode,
  refusedForm,
  withResendWaitNow,
} from "@/lib/forms/account_form.ts";
import { formAnswer, keptFormPage } from "@/lib/http/form_states.ts";
import type { State } from "@/lib/http/request_state.ts";
import { askForRecentProof } from "@/lib/http/recent_proof.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  current: string;
  form: MobileChangeFormProps;
}

export const handler: Handlers<Data, State> = {
  // The page asks for a recent proof first; its form's own password is one, given as it is posted.
  async GET(req, ctx) {
    const { app } = ctx.state;
    const user = ctx.state.user!; // routes/account/_middleware.ts lets only the logged in through
    const asked = askForRecentProof(req, ctx);
    if (asked) return asked;
    const kept = await keptFormPage<Data>(ctx, req, {
      refresh: async (data) => ({
        current: user.mobile,
        form: await withResendWaitNow(app, data.form),
      }),
    });
    return kept ?? await ctx.render({
      current: user.mobile,
      form: { mobile: "", errors: {} },
    });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const user = ctx.state.user!;
    const fields = await readForm(req);
    const page = (form: MobileChangeFormProps) => ({
      current: user.mobile,
      form,
    });
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "change_mobile",
        browser: ctx.state.browser,
      });
      return formAnswer(ctx, req, page(form), { status });
    }
    const result = await actOnAccountPost(req, ctx, changeMobile, fields);
    if (result.ok) {
      return await loggedInAgain(req, ctx, result.user, "mobile_changed");
    }
    return formAnswer(
      ctx,
      req,
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
    <Page
      title="更换手机号"
      lead={
        <>
          当前手机号 <span data-field="mobile">{maskMobile(data.current)}</span>
          。验证码将发送到新手机号；更换后，其他已登录的设备都会退出。
        </>
      }
      aside={<BackToAccount />}
    >
      <MobileChangeForm {...data.form} />
    </Page>
  );
}
