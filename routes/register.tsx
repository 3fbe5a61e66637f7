// GET, POST /register: a mobile, a password and an SMS code; or, with `?continue=1` after an SMS login
// proved a mobile with no account, only the password and the consent (the mobile shown masked).
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { AlreadyLoggedIn } from "@/components/AlreadyLoggedIn.tsx";
import { Page } from "@/components/Page.tsx";
import { Problem, type ProblemProps } from "@/components/Problem.tsx";
import { SEND_SMS_ACTION } from "@/components/SmsCodeButton.tsx";
import { ProviderLogins } from "@/components/ProviderLogins.tsx";
import RegisterForm, {
  type RegisterFormProps,
} from "@/islands/RegisterForm.tsx";
import { registerFailureView } from "@/lib/forms/help.ts";
import {
  askForSmsCode,
  keptAccountFields,
  withResendWaitNow,
} from "@/lib/forms/account_form.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { formAnswer, keptFormPage } from "@/lib/http/form_states.ts";
import { loggedInRedirect } from "@/lib/http/login_cookies.ts";
import {
  completeSmsSignup,
  registerUser,
} from "@/lib/accounts/registration.ts";
import {
  type HeldSignupProof,
  SIGNUP_COMPLETION_PATH,
} from "@/lib/accounts/signup_proofs.ts";
import {
  forgetSignupProof,
  holdsSignupProof,
  readSignupProof,
} from "@/lib/http/signup_proof_cookie.ts";
import { maskMobile } from "@/lib/core/mask.ts";
import { messages } from "@/lib/messages.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import { noStore } from "@/lib/http/security.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data =
  | { problem: ProblemProps }
  | (RegisterFormProps & {
    /** The completion's mobile, masked: shown, never a field. */
    provenMobile?: string;
  });

/** The sign-up's completion is gone (used, expired, or never this browser's): start again by SMS. */
const PROOF_GONE: ProblemProps = {
  title: "注册",
  message: messages.signupProofExpired,
  action: { href: "/login?by=sms", label: "短信验证码登录" },
};

/** The completion form for `proof`, with what a refused post keeps. */
function completionPage(
  proof: HeldSignupProof,
  form:
    & { errors: Partial<Record<string, string>>; allowed: boolean }
    & Partial<
      RegisterFormProps
    >,
): Data {
  const { allowed, ...rest } = form;
  return {
    ...rest,
    next: proof.next,
    mobile: "",
    completion: { action: SIGNUP_COMPLETION_PATH, allowed },
    provenMobile: maskMobile(proof.mobile),
  };
}

/** A post is the completion's when it says so, or when the browser holds a proof and sends no mobile. */
function isCompletion(
  req: Request,
  ctx: { url: URL; state: State },
  fields: Record<string, string>,
): boolean {
  return ctx.url.searchParams.get("continue") === "1" ||
    fields.continue === "1" ||
    (holdsSignupProof(ctx.state.app, req) && !("mobile" in fields) &&
      !("sms_code" in fields));
}

export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app } = ctx.state;
    const kept = await keptFormPage<Data>(ctx, req, {
      refresh: (data) =>
        "problem" in data || data.completion
          ? data
          : withResendWaitNow(app, data),
    });
    if (kept) return kept;
    if (ctx.url.searchParams.get("continue") === "1") {
      const proof = await readSignupProof(app, req);
      // The proven mobile is personal: never kept by a cache.
      return noStore(
        proof
          ? await ctx.render(completionPage(proof, {
            errors: {},
            allowed: false,
          }))
          : await ctx.render({ problem: PROOF_GONE }, { status: 400 }),
      );
    }
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
    if (isCompletion(req, ctx, fields)) {
      const proof = await readSignupProof(app, req);
      const result = await completeSmsSignup(app, proof, fields, clientAddress);
      if (result.ok) {
        const headers = new Headers();
        forgetSignupProof(app, headers);
        // The code texted to the mobile and the password just set: a recent proof, as registering is.
        return loggedInRedirect(app, req, result.user, proof!.next, {
          headers,
          newAccount: true,
          proven: true,
        });
      }
      const page = proof && result.field !== "proof"
        ? completionPage(proof, {
          ...registerFailureView(result, fields, proof.next),
          allowed: fields.allow === "on",
        })
        : { problem: PROOF_GONE };
      return formAnswer(ctx, req, page, {
        status: 400,
        page: SIGNUP_COMPLETION_PATH,
      });
    }

    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    if (fields.action === SEND_SMS_ACTION) {
      const { form, status } = await askForSmsCode(app, fields, clientAddress, {
        purpose: "signup",
        browser: ctx.state.browser,
      });
      return formAnswer(ctx, req, { next, ...form }, { status });
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
    return formAnswer(
      ctx,
      req,
      { next, ...kept, ...registerFailureView(result, fields, next) },
      { status: 400 },
    );
  },
};

export default function Register({ data, state }: PageProps<Data, State>) {
  if ("problem" in data) return <Problem {...data.problem} />;
  // Only the empty form gives way: what a post came back with is shown to whoever posted it.
  const posted = data.notice || Object.values(data.errors).some(Boolean);
  if (state.user && !posted) {
    return <AlreadyLoggedIn username={state.user.username} wanted="注册" />;
  }
  const { provenMobile, ...form } = data;
  if (provenMobile) {
    return (
      <Page
        title="注册"
        heading="设置密码，完成注册"
        lead="手机号已验证。设置登录密码后即可完成注册。"
      >
        <p class="proven-mobile">
          手机号 <span data-field="mobile">{provenMobile}</span>
        </p>
        <RegisterForm {...form} />
      </Page>
    );
  }
  return (
    <Page title="注册">
      <RegisterForm {...form} />
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
