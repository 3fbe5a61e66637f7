import type {
  FreshContext,
  Handlers,
  PageProps,
  RouteConfig,
} from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { Problem, type ProblemProps } from "@/components/Problem.tsx";
import {
  type BindVisitor,
  BindVisitorCard,
} from "@/components/BindVisitor.tsx";
import BindForm, { type BindFormProps } from "@/islands/BindForm.tsx";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { maskIfMobile } from "@/lib/core/mask.ts";
import { bindFailureView } from "@/lib/forms/help.ts";
import {
  askForSmsCode,
  keptAccountFields,
  withResendWaitNow,
} from "@/lib/forms/account_form.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { formAnswer, keptForm } from "@/lib/http/form_states.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import { messages, providerMessages } from "@/lib/messages.ts";
import { bindAccount } from "@/lib/social/bind.ts";
import {
  bindTokenDigest,
  pendingBind,
  type PendingView,
  viewBindToken,
  viewBindTokenByDigest,
} from "@/lib/social/bind_tokens.ts";
import { finishLogin } from "@/lib/social/login.ts";
import type { Provider } from "@/lib/social/provider.ts";
import { enabledProvider } from "@/lib/social/registry.ts";
import type { State } from "@/lib/http/request_state.ts";
import { onThisHost } from "@/lib/http/own_host.ts";
import { confirmLocation } from "@/lib/http/recent_proof.ts";

export const config: RouteConfig = { csp: true };

type Bound = { providerName: string; username: string; next: string };

type Data =
  | { problem: ProblemProps }
  | { bound: Bound }
  | {
    /** Who is binding; null when the form's token is no longer this browser's pending bind. */
    visitor: BindVisitor | null;
    now: number;
    form: BindFormProps;
  };

type Context = FreshContext<State, Data>;

/**
 * What a browser's refused bind keeps for the bind page it is sent to (lib/http/form_states.ts): the form
 * as it came back, with its token only as a hash (the page finds the token again in this browser's cookie).
 */
type KeptBind = { form: BindFormProps; tokenDigest: string };

/** The provider whose callback this request reached, or null (404). */
export type ProviderOf = (ctx: Context) => Provider | null;

// The bind page carries a bind token and who is binding: never kept by a cache or the back button.
const NO_STORE = { "cache-control": "no-store" };

/**
 * A provider's callback. GET with the provider's `code` and `state` finishes the login and, when a bind
 * is needed, answers 303 to itself without them: the bind page (post-redirect-get), which shows this
 * browser's pending bind for as long as it lasts. POST is the bind.
 */
export function callbackHandlers(
  providerOf: ProviderOf,
): Handlers<Data, State> {
  return {
    async GET(req, ctx) {
      const provider = providerOf(ctx);
      if (!provider) return ctx.renderNotFound();
      const query = ctx.url.searchParams;
      if (!query.has("code") && !query.has("state")) {
        return bindPage(ctx, provider, req);
      }
      const { app, clientAddress, user, session } = ctx.state;
      const said = providerMessages(provider.name);
      const headers = new Headers(NO_STORE);
      const result = await finishLogin(app, provider, req, headers, {
        code: query.get("code"),
        state: query.get("state"),
        user,
        session,
        clientAddress,
      });
      switch (result.kind) {
        case "bad_state":
          return problemPage(ctx, 400, headers, {
            title: said.loginFailed,
            message: said.stateInvalid,
            action: loginAgain(provider),
          });
        case "provider_failed":
          return problemPage(ctx, 502, headers, {
            title: said.unavailable,
            message: result.message,
            action: loginAgain(provider),
          });
        case "connect_refused":
          return problemPage(ctx, 400, headers, {
            title: said.loginFailed,
            message: result.message,
            action: { href: "/account", label: "返回我的账户" },
          });
        case "proof_needed":
          headers.set("location", confirmLocation(result.loginAgain));
          return new Response(null, { status: 303, headers });
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
          headers.set("location", provider.callbackPath);
          return new Response(null, { status: 303, headers });
      }
    },

    async POST(req, ctx) {
      const provider = providerOf(ctx);
      if (!provider) return ctx.renderNotFound();
      const { app, clientAddress } = ctx.state;
      const fields = await readForm(req);
      // What the form page shows of this browser's pending bind: read only when the form comes back, so a
      // bind that goes through costs no read for it.
      const pendingOf = () =>
        viewBindToken(app, req, provider.id, fields.access_token);
      const form = {
        action: provider.callbackPath,
        accessToken: fields.access_token ?? "",
      };
      const headers = new Headers(NO_STORE);
      // The form as it comes back: for a browser, kept for the bind page it is sent to.
      const formBack = async (
        pending: PendingView | null,
        returned: BindFormProps,
        status: number,
      ) =>
        await formAnswer(ctx, req, formPage(ctx, provider, pending, returned), {
          status,
          headers,
          keep: {
            form: { ...returned, accessToken: "" },
            tokenDigest: bindTokenDigest(returned.accessToken),
          } satisfies KeptBind,
        });
      if (fields.action === SEND_SMS_ACTION) {
        const asked = await askForSmsCode(app, fields, clientAddress, {
          purpose: "signup",
          browser: ctx.state.browser,
        });
        return await formBack(
          await pendingOf(),
          { ...form, ...asked.form },
          asked.status,
        );
      }
      const result = await bindAccount(
        app,
        provider,
        req,
        fields,
        clientAddress,
      );
      if (result.ok) {
        return loggedInRedirect(app, req, result.user, result.next, {
          headers,
          newAccount: result.created,
          proven: true,
        });
      }
      const pending = await pendingOf();
      const kept = await keptAccountFields(app, fields, {
        keepSmsCode: result.field !== "sms_code",
      });
      const failure = bindFailureView(result, fields, {
        provider,
        next: pending?.next ?? "/",
      });
      return await formBack(pending, {
        ...form,
        ...kept,
        ...failure,
        imageCodeUuid: result.captcha ? newImageCodeUuid() : undefined,
      }, 400);
    },
  };
}

/** The bind page once `pending` is bound: who to, and the way on. */
function boundView(provider: Provider, pending: PendingView): Bound {
  return {
    providerName: provider.name,
    username: pending.bound!.username,
    next: pending.next,
  };
}

/**
 * GET without the provider's answer: the form a browser's refused bind kept (`form=<id>`, after the
 * post's 303), this browser's pending bind, its outcome, or a way to start again.
 */
async function bindPage(
  ctx: Context,
  provider: Provider,
  req: Request,
): Promise<Response> {
  const { app } = ctx.state;
  const headers = new Headers(NO_STORE);
  const kept = await keptForm<KeptBind>(ctx, req);
  if (kept) {
    const { form, tokenDigest } = kept.data;
    const view = await viewBindTokenByDigest(
      app,
      req,
      provider.id,
      tokenDigest,
    );
    // The form of a second tab, posted after this browser bound in the first (its code and token used):
    // rather than 无效的短信验证码 the page says the bind is done and offers the way on. A client that is
    // not a browser keeps the contract's answer to its post, in the bind table's order.
    if (view?.bound) {
      return ctx.render({ bound: boundView(provider, view) }, { headers });
    }
    // Shown again as it came back, the countdown counted from now; its token found again in this
    // browser's cookie, unless it is gone (expired, or never this browser's: 无效的openid said so).
    return ctx.render(
      formPage(ctx, provider, view, {
        ...await withResendWaitNow(app, form),
        accessToken: view?.token ?? "",
      }),
      { status: kept.status, headers },
    );
  }
  const pending = await pendingBind(app, req, provider.id);
  if (!pending) {
    const said = providerMessages(provider.name);
    return problemPage(ctx, 400, headers, {
      title: said.bindExpired,
      message: said.bindExpiredHelp,
      action: loginAgain(provider),
    });
  }
  if (pending.bound) {
    return ctx.render({ bound: boundView(provider, pending) }, { headers });
  }
  return ctx.render(
    formPage(ctx, provider, pending, {
      action: provider.callbackPath,
      accessToken: pending.token,
      mobile: "",
      errors: {},
    }),
    { headers },
  );
}

function formPage(
  ctx: Context,
  provider: Provider,
  pending: PendingView | null,
  form: BindFormProps,
): Data {
  const live = pending && !pending.bound ? pending : null;
  // Logged in with the provider and binding: the header says so instead of offering 登录 and 注册.
  if (live) {
    ctx.state.pendingBind = {
      nickname: live.nickname,
      providerName: provider.name,
    };
  }
  return {
    visitor: live && {
      provider,
      nickname: live.nickname,
      avatar: live.avatar && onThisHost(ctx.state.app, live.avatar),
      expiresAt: live.expiresAt,
      next: live.next,
    },
    now: ctx.state.app.now(),
    form,
  };
}

/** What went wrong, with the answer's headers: no-store, and any cookie the login set or cleared. */
function problemPage(
  ctx: Context,
  status: number,
  headers: Headers,
  problem: ProblemProps,
) {
  return ctx.render({ problem }, { status, headers });
}

function loginAgain(provider: Provider) {
  return {
    href: `/oauth/${provider.id}/login`,
    label: providerMessages(provider.name).loginAgain,
  };
}

export const handler = callbackHandlers((ctx) => {
  const provider = enabledProvider(ctx.state.app.config, ctx.params.provider);
  // Each provider has one callback: QQ's is /oauth_callback, not /oauth/qq/callback.
  return provider?.callbackPath === ctx.url.pathname ? provider : null;
});

export default function BindPage({ data }: PageProps<Data, State>) {
  if ("problem" in data) return <Problem {...data.problem} />;
  if ("bound" in data) {
    const { providerName, username, next } = data.bound;
    return (
      <Page
        title={messages.bound}
        lead={
          <>
            您的{providerName}已绑定美多商城账号 {maskIfMobile(username)}
            ，以后可直接用{providerName}登录。
          </>
        }
      >
        <a class="button primary" href={next}>继续</a>
      </Page>
    );
  }
  return (
    <Page
      title="绑定账号"
      heading="绑定美多商城账号"
      aside={
        <>
          忘记了已注册账号的密码？<a href="/password/reset">找回密码</a>
        </>
      }
    >
      {data.visitor && (
        <BindVisitorCard
          visitor={data.visitor}
          now={data.now}
        />
      )}
      <p class="aside">
        请输入手机号绑定商城账号：已注册的手机号需输入原密码，未注册的将自动创建账号。
      </p>
      <BindForm {...data.form} />
    </Page>
  );
}
