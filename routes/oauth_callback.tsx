import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { Problem, type ProblemProps } from "@/components/Problem.tsx";
import BindForm, { type BindFormProps } from "@/islands/BindForm.tsx";
import { readForm } from "@/lib/http/forms.ts";
import {
  forgetOAuthState,
  loggedInRedirect,
  oauthStateCookie,
} from "@/lib/http/login_cookies.ts";
import { messages } from "@/lib/messages.ts";
import { bindQqAccount } from "@/lib/social/bind.ts";
import { finishQqLogin } from "@/lib/social/login.ts";
import { sendSmsCode } from "@/lib/sms/sending.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data = { form: BindFormProps } | { problem: ProblemProps };

const TRY_AGAIN = { href: "/oauth/qq/login", label: "重新QQ登录" };

export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const result = await finishQqLogin(app, ctx.url.origin, {
      code: ctx.url.searchParams.get("code"),
      state: ctx.url.searchParams.get("state"),
      cookieState: oauthStateCookie(req),
    }, clientAddress);
    const headers = forgetOAuthState(app, new Headers());
    switch (result.kind) {
      case "bad_state":
        return ctx.render({
          problem: {
            title: messages.qqLoginFailed,
            message: messages.oauthStateInvalid,
            action: TRY_AGAIN,
          },
        }, { status: 400, headers });
      case "qq_failed":
        return ctx.render({
          problem: {
            title: messages.qqUnavailable,
            message: result.message,
            action: TRY_AGAIN,
          },
        }, { status: 502, headers });
      case "logged_in": {
        const response = await loggedInRedirect(
          app,
          req,
          result.user,
          result.next,
        );
        forgetOAuthState(app, response.headers);
        return response;
      }
      case "needs_binding":
        return ctx.render({
          form: {
            accessToken: result.bindToken,
            nickname: result.nickname,
            mobile: "",
            errors: {},
          },
        }, { headers });
    }
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const form = {
      accessToken: fields.access_token ?? "",
      nickname: null,
      mobile: fields.mobile?.slice(0, 32) ?? "",
    };
    if (fields.action === SEND_SMS_ACTION) {
      const sent = await sendSmsCode(
        app,
        { mobile: form.mobile },
        clientAddress,
      );
      if (sent.ok) {
        return ctx.render({
          form: { ...form, errors: {}, notice: messages.smsCodeSent },
        });
      }
      return ctx.render(
        { form: { ...form, errors: { sms_code: sent.error } } },
        { status: sent.status },
      );
    }
    const result = await bindQqAccount(app, fields, clientAddress);
    if (result.ok) return loggedInRedirect(app, req, result.user, result.next);
    return ctx.render({
      form: {
        ...form,
        errors: { [result.field]: result.message },
        reason: result.field === "qq" ? result.reason : undefined,
      },
    }, { status: 400 });
  },
};

export default function OAuthCallback({ data }: PageProps<Data, State>) {
  if ("problem" in data) return <Problem {...data.problem} />;
  const { nickname } = data.form;
  return (
    <section class="card">
      <Head>
        <title>绑定账号 - 美多商城</title>
      </Head>
      <h1>绑定美多商城账号</h1>
      <p class="lead">
        {nickname ? `${nickname}，` : ""}
        您已通过QQ登录。请输入手机号绑定商城账号：已注册的手机号需输入原密码，未注册的将自动创建账号。
      </p>
      <BindForm {...data.form} />
    </section>
  );
}
