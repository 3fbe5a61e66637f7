import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { AlreadyLoggedIn, NOT_STORED } from "@/components/AlreadyLoggedIn.tsx";
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
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<RegisterFormProps, State> = {
  GET(_req, ctx) {
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      mobile: "",
      errors: {},
    }, { headers: ctx.state.user ? NOT_STORED : {} });
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
    <section class="card">
      <Head>
        <title>注册 - 美多商城</title>
      </Head>
      <h1>注册</h1>
      <RegisterForm {...data} />
      <p class="aside">
        已有账号？<a href={`/login?next=${encodeURIComponent(data.next)}`}>
          登录
        </a>
      </p>
      <div class="actions">
        <ProviderLogins config={state.app.config} next={data.next} />
      </div>
    </section>
  );
}
