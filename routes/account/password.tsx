// GET, POST /account/password (修改密码): the current password, then a new one.
import type { Handlers, RouteConfig } from "$fresh/server.ts";
import { formPage } from "@/components/FormPage.tsx";
import { BackToAccount } from "@/components/Page.tsx";
import PasswordChangeForm, {
  type PasswordChangeFormProps,
} from "@/islands/PasswordChangeForm.tsx";
import { changePassword } from "@/lib/accounts/password_change.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { actOnAccountPost } from "@/lib/http/account_post.ts";
import { loggedInAgain } from "@/lib/http/login_cookies.ts";
import { formAnswer, keptFormPage } from "@/lib/http/form_states.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<PasswordChangeFormProps, State> = {
  async GET(req, ctx) {
    return await keptFormPage(ctx, req) ?? await ctx.render({ errors: {} });
  },

  async POST(req, ctx) {
    const result = await actOnAccountPost(req, ctx, changePassword);
    // Every session ended with the change: this browser goes on in a new one.
    if (result.ok) {
      return await loggedInAgain(req, ctx, result.user, "password_changed");
    }
    return formAnswer(ctx, req, {
      errors: { ...result.fieldErrors, [result.field]: result.message },
      imageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
    }, { status: 400 });
  },
};

export default formPage(PasswordChangeForm, {
  title: "修改密码",
  lead: "修改后，其他已登录的设备都会退出。",
  aside: (
    <>
      <BackToAccount /> · <a href="/password/reset">忘记原密码？</a>
    </>
  ),
});
