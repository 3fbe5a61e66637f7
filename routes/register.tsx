import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { AlreadyLoggedIn } from "@/components/AlreadyLoggedIn.tsx";
import { Page } from "@/components/Page.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import RegisterForm, {
  type RegisterFormProps,
} from "@/islands/RegisterForm.tsx";
import { registerFailureView } from "@/lib/forms/help.ts";
import { askForSmsCode, keptAccountFields } from "@/lib/forms/account_form.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { registerUser } from "@/lib/accounts/registration.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { noStore } from "@/lib/http/security.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<RegisterFormProps, State> = {
  async GET(_req, ctx) {
    const page = await ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      mobile: "",
      errors: {},
    });
    // Logged in, it names who (AlreadyLoggedIn): never shown again by Back after logging out.
    return ctx.state.user ? noStore(page) : page;
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "signup",
        browser: ctx.state.browser,
      });
      return ctx.render({ next, ...form }, { status });
    }
    const result = await registerUser(app, fields, clientAddress);
    if (result.ok) {
      return loggedInRedirect(app, req, result.user, next, {
        newAccount: true,
        proven: true,
      });
    }
    const kept = await keptAccountFields(app, fields, {
      keepSmsCode: result.field !== "sms_code",
    });
    return ctx.render(
      { next, ...kept, ...registerFailureView(result, fields, next) },
      { status: 400 },
    );
  },
};

export default function Register(
  { data, state }: PageProps<RegisterFormProps, State>,
) {
  // Only the empty form gives way: what a post came back with is shown to whoever posted it.
  const posted = data.notice || Object.values(data.errors).some(Boolean);
  if (state.user && !posted) {
    return <AlreadyLoggedIn username={state.user.username} wanted="注册" />;
  }
  return (
    <Page title="注册">
      <RegisterForm {...data} />
      <p class="aside">
        已有账号？<a href={`/login?next=${encodeURIComponent(data.next)}`}>
          登录
        </a>
      </p>
      <div class="actions">
        <ProviderLogins config={state.app.config} next={data.next} />
      </div>
    </Page>
  );
}
