// GET, POST /login: two ways in, each a tab that is a link (so both work without JavaScript): 账号密码登录
// (`username`, `password`) and 短信验证码登录 (`?by=sms`: `mobile`, `sms_code`, purpose `login`).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import { AlreadyLoggedIn } from "@/components/AlreadyLoggedIn.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import PasswordLoginForm, {
  type PasswordLoginFormProps,
} from "@/islands/PasswordLoginForm.tsx";
import SmsLoginForm, {
  type SmsLoginFormProps,
} from "@/islands/SmsLoginForm.tsx";
import { logIn } from "@/lib/accounts/login.ts";
import { logInBySms } from "@/lib/accounts/sms_login.ts";
import { signupProofRedirect } from "@/lib/http/signup_proof_cookie.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import {
  askForSmsCode,
  keptAccountFields,
  withResendWaitNow,
} from "@/lib/forms/account_form.ts";
import { registerFailureView } from "@/lib/forms/help.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { formAnswer, keptFormPage } from "@/lib/http/form_states.ts";
import { loggedInRedirect, startSession } from "@/lib/http/login_cookies.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { noStore } from "@/lib/http/security.ts";
import { messages } from "@/lib/messages.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data =
  | { by: "password"; next: string; form: PasswordLoginFormProps }
  | { by: "sms"; next: string; form: SmsLoginFormProps };

const passwordTab = (next: string) => `/login?next=${encodeURIComponent(next)}`;
const smsTab = (next: string) =>
  `/login?by=sms&next=${encodeURIComponent(next)}`;

/**
 * A post is an SMS login when it has no password and speaks of a mobile or a code (or comes from the SMS
 * tab): the contract's `mobile` and `sms_code` alone, as an outside client posts them.
 */
function isSmsLogin(fields: Record<string, string>, url: URL): boolean {
  return !("password" in fields) &&
    ("mobile" in fields || "sms_code" in fields ||
      url.searchParams.get("by") === "sms");
}

export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app } = ctx.state;
    const kept = await keptFormPage<Data>(ctx, req, {
      refresh: async (data) =>
        data.by === "sms"
          ? { ...data, form: await withResendWaitNow(app, data.form) }
          : data,
    });
    if (kept) return kept;
    const next = safeNext(ctx.url.searchParams.get("next"));
    const page = await ctx.render(
      ctx.url.searchParams.get("by") === "sms"
        ? {
          by: "sms",
          next,
          form: { next, remembered: false, mobile: "", errors: {} },
        }
        : {
          by: "password",
          next,
          form: {
            action: passwordTab(next),
            username: "",
            remembered: false,
            errors: {},
          },
        },
    );
    // Logged in, it names who (AlreadyLoggedIn): never shown again by Back after logging out.
    return ctx.state.user ? noStore(page) : page;
  },

  async POST(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const remembered = fields.remembered === "on";
    const smsPage = (form: Omit<SmsLoginFormProps, "next" | "remembered">) => ({
      by: "sms" as const,
      next,
      form: { next, remembered, ...form },
    });

    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "login",
        browser: ctx.state.browser,
      });
      return formAnswer(ctx, req, smsPage(form), {
        status,
        page: smsTab(next),
      });
    }

    if (isSmsLogin(fields, ctx.url)) {
      const result = await logInBySms(app, fields, next, clientAddress);
      if (result.ok) {
        return result.kind === "logged_in"
          // A code texted to the account's mobile is a recent proof, as its password is.
          ? loggedInRedirect(app, req, result.user, next, {
            remembered,
            proven: true,
          })
          // A right code for a mobile with no account: the sign-up asks only for a password.
          : signupProofRedirect(app, result.proof);
      }
      const kept = await keptAccountFields(app, fields, {
        keepSmsCode: result.field !== "sms_code",
      });
      return formAnswer(
        ctx,
        req,
        smsPage({ ...kept, ...registerFailureView(result, fields, next) }),
        { status: 400, page: smsTab(next) },
      );
    }

    const result = await logIn(app, fields, clientAddress, ctx.state.browser);
    if (result.ok) {
      const started = await startSession(app, req, result.user, next, {
        remembered,
        upgrade: result.upgrade,
        proven: true,
      });
      if (started) return started;
    }
    // Not logged in; or the password was right as it was checked, but its owner changed it meanwhile.
    const refused = result.ok
      ? {
        field: "account" as const,
        message: messages.wrongCredentials,
        captcha: false,
        fieldErrors: undefined,
      }
      : result;
    return formAnswer(ctx, req, {
      by: "password",
      next,
      form: {
        action: passwordTab(next),
        username: fields.username?.slice(0, 64) ?? "",
        remembered,
        errors: { ...refused.fieldErrors, [refused.field]: refused.message },
        imageCodeUuid: refused.captcha ? newImageCodeUuid() : undefined,
      },
    }, { status: 400, page: passwordTab(next) });
  },
};

export default function Login({ data, state }: PageProps<Data, State>) {
  // A refused login is shown as such even to a logged-in browser.
  if (state.user && Object.keys(data.form.errors).length === 0) {
    return <AlreadyLoggedIn username={state.user.username} wanted="登录" />;
  }
  const { by, next } = data;
  return (
    <Page title="登录">
      {
        /* Two links, each the page of one way in: navigation, so the current one is aria-current. */
      }
      <nav class="tabs" aria-label="登录方式">
        <a
          href={passwordTab(next)}
          aria-current={by === "password" ? "page" : undefined}
        >
          账号密码登录
        </a>
        <a href={smsTab(next)} aria-current={by === "sms" ? "page" : undefined}>
          短信验证码登录
        </a>
      </nav>
      {data.by === "sms"
        ? (
          <>
            <p class="hint">未注册的手机号，验证后设置密码即可注册。</p>
            <SmsLoginForm {...data.form} />
          </>
        )
        : <PasswordLoginForm {...data.form} />}
      <div class="actions">
        <ProviderLogins config={state.app.config} next={next} />
        <a href={`/register?next=${encodeURIComponent(next)}`}>注册新账号</a>
        <a href="/password/reset">忘记密码？</a>
      </div>
    </Page>
  );
}
