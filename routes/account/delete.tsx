// GET, POST /account/delete (注销账号): the current password and a code sent to the account's mobile.
import type { Handlers, RouteConfig } from "$fresh/server.ts";
import { formPage } from "@/components/FormPage.tsx";
import { BackToAccount } from "@/components/Page.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import AccountDeleteForm, {
  type AccountDeleteFormProps,
} from "@/islands/AccountDeleteForm.tsx";
import { deleteAccount } from "@/lib/accounts/deletion.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedOutRedirect } from "@/lib/http/login_cookies.ts";
import { askForSmsCode, refusedForm } from "@/lib/forms/account_form.ts";
import { actOnAccountPost } from "@/lib/http/account_post.ts";
import { formAnswer, keptSmsFormPage } from "@/lib/http/form_states.ts";
import type { State } from "@/lib/http/request_state.ts";
import { askForRecentProof } from "@/lib/http/recent_proof.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<AccountDeleteFormProps, State> = {
  // The page asks for a recent proof first; its form's own password is one, given as it is posted.
  async GET(req, ctx) {
    const user = ctx.state.user!; // routes/account/_middleware.ts lets only the logged in through
    return askForRecentProof(req, ctx) ??
      await keptSmsFormPage<AccountDeleteFormProps>(ctx, req) ??
      await ctx.render({ mobile: user.mobile, errors: {} });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const user = ctx.state.user!;
    const fields = await readForm(req);
    if (fields.action === SEND_SMS_ACTION) {
      // The code goes to the account's own mobile, whatever the form says.
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "delete_account",
        mobile: user.mobile,
        browser: ctx.state.browser,
      });
      return formAnswer(ctx, req, form, { status });
    }
    const result = await actOnAccountPost(req, ctx, deleteAccount, fields);
    // Gone with its sessions: the browser's cookies go too.
    if (result.ok) return loggedOutRedirect(app, req, "account_deleted");
    const ownMobile = { ...fields, mobile: user.mobile };
    return formAnswer(ctx, req, {
      ...await refusedForm(app, ownMobile, result),
      passwordImageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
    }, { status: 400 });
  },
};

export default formPage(AccountDeleteForm, {
  title: "注销账号",
  lead:
    "注销后，账号、第三方绑定和所有登录都会删除且无法恢复；该手机号可以重新注册。",
  aside: <BackToAccount />,
});
