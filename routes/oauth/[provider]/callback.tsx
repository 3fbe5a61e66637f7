import { Head } from "$fresh/runtime.ts";
import type {
  FreshContext,
  Handlers,
  PageProps,
  RouteConfig,
} from "$fresh/server.ts";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { Problem, type ProblemProps } from "@/components/Problem.tsx";
import BindForm, { type BindFormProps } from "@/islands/BindForm.tsx";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { readForm } from "@/lib/http/forms.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { bindAccount } from "@/lib/social/bind.ts";
import { finishLogin } from "@/lib/social/login.ts";
import type { Provider } from "@/lib/social/provider.ts";
import { enabledProvider } from "@/lib/social/providers.ts";
import { sendSmsCodeFromForm } from "@/lib/sms/sending.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data =
  | { problem: ProblemProps }
  | {
    providerName: string;
    nickname: string | null;
    avatar: string | null;
    form: BindFormProps;
  };

type Context = FreshContext<State, Data>;

/** The provider whose callback this request reached, or null (404). */
export type ProviderOf = (ctx: Context) => Provider | null;

/** A provider's callback: GET is where the provider sends the browser back, POST is the bind. */
export function callbackHandlers(
  providerOf: ProviderOf,
): Handlers<Data, State> {
  return {
    async GET(req, ctx) {
      const provider = providerOf(ctx);
      if (!provider) return ctx.renderNotFound();
      const { app, clientAddress, user } = ctx.state;
      const said = providerMessages(provider.name);
      const tryAgain = {
        href: `/oauth/${provider.id}/login`,
        label: said.loginAgain,
      };
      const headers = new Headers();
      const result = await finishLogin(app, provider, req, headers, {
        code: ctx.url.searchParams.get("code"),
        state: ctx.url.searchParams.get("state"),
        user,
        clientAddress,
      });
      switch (result.kind) {
        case "bad_state":
          return ctx.render({
            problem: {
              title: said.loginFailed,
              message: said.stateInvalid,
              action: tryAgain,
            },
          }, { status: 400, headers });
        case "provider_failed":
          return ctx.render({
            problem: {
              title: said.unavailable,
              message: result.message,
              action: tryAgain,
            },
          }, { status: 502, headers });
        case "connect_refused":
          return ctx.render({
            problem: {
              title: said.loginFailed,
              message: result.message,
              action: { href: "/account", label: "返回我的账户" },
            },
          }, { status: 400, headers });
        case "connected":
          headers.set("location", result.next);
          return new Response(null, { status: 303, headers });
        case "logged_in":
          return await loggedInRedirect(
            app,
            req,
            result.user,
            result.next,
            { headers },
          );
        case "needs_binding":
          return ctx.render({
            providerName: provider.name,
            nickname: result.nickname,
            avatar: result.avatar,
            form: {
              action: provider.callbackPath,
              accessToken: result.bindToken,
              mobile: "",
              errors: {},
            },
          }, { headers });
      }
    },

    async POST(req, ctx) {
      const provider = providerOf(ctx);
      if (!provider) return ctx.renderNotFound();
      const { app, clientAddress } = ctx.state;
      const fields = await readForm(req);
      const page = {
        providerName: provider.name,
        nickname: null,
        avatar: null,
      };
      const form = {
        action: provider.callbackPath,
        accessToken: fields.access_token ?? "",
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
            ...page,
            form: {
              ...form,
              errors: {},
              notice: messages.smsCodeSent,
              imageCodeUuid,
            },
          });
        }
        return ctx.render({
          ...page,
          form: { ...form, errors: { sms_code: sent.error }, imageCodeUuid },
        }, { status: sent.status });
      }
      const result = await bindAccount(app, provider, fields, clientAddress);
      if (result.ok) {
        return loggedInRedirect(app, req, result.user, result.next);
      }
      return ctx.render({
        ...page,
        form: {
          ...form,
          errors: { [result.field]: result.message },
          reason: result.field === "provider" ? result.reason : undefined,
          imageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
        },
      }, { status: 400 });
    },
  };
}

export const handler = callbackHandlers((ctx) => {
  const provider = enabledProvider(ctx.state.app.config, ctx.params.provider);
  // Each provider has one callback: QQ's is /oauth_callback, not /oauth/qq/callback.
  return provider?.callbackPath === ctx.url.pathname ? provider : null;
});

export default function BindPage({ data }: PageProps<Data, State>) {
  if ("problem" in data) return <Problem {...data.problem} />;
  const { providerName, nickname, avatar } = data;
  return (
    <section class="card">
      <Head>
        <title>绑定账号 - 美多商城</title>
      </Head>
      <h1>绑定美多商城账号</h1>
      {avatar && (
        <img class="avatar" src={avatar} alt="" width={40} height={40} />
      )}
      <p class="lead">
        {nickname ? `${nickname}，` : ""}
        您已通过{providerName}登录。请输入手机号绑定商城账号：已注册的手机号需输入原密码，未注册的将自动创建账号。
      </p>
      <BindForm {...data.form} />
    </section>
  );
}
