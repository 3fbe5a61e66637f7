import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import RegisterForm, {
  type RegisterFormProps,
} from "@/islands/RegisterForm.tsx";
import { messages } from "@/lib/messages.ts";
import { readForm } from "@/lib/http/forms.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { registerUser } from "@/lib/accounts/registration.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { sendSmsCodeFromForm } from "@/lib/sms/sending.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

export const handler: Handlers<RegisterFormProps, State> = {
  GET(_req, ctx) {
    return ctx.render({
      next: safeNext(ctx.url.searchParams.get("next")),
      mobile: "",
      errors: {},
    });
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const form = {
      next: safeNext(fields.next ?? ctx.url.searchParams.get("next")),
      mobile: fields.mobile?.slice(0, 32) ?? "",
    };
    if (fields.action === SEND_SMS_ACTION) {
      const sent = await sendSmsCodeFromForm(app, {
        mobile: form.mobile,
        imageCode: fields.image_code,
        uuid: fields.uuid,
      }, clientAddress);
      const { imageCodeUuid } = sent;
      if (sent.ok) {
        return ctx.render({
          ...form,
          errors: {},
          notice: messages.smsCodeSent,
          imageCodeUuid,
        });
      }
      return ctx.render({
        ...form,
        errors: { sms_code: sent.error },
        imageCodeUuid,
      }, { status: sent.status });
    }
    const result = await registerUser(app, fields, clientAddress);
    if (result.ok) return loggedInRedirect(app, req, result.user, form.next);
    return ctx.render({ ...form, errors: { [result.field]: result.message } }, {
      status: 400,
    });
  },
};

export default function Register(
  { data, state }: PageProps<RegisterFormProps, State>,
) {
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
