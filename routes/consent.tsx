// GET, POST /consent: a logged-in user who has not agreed to the legal texts in force (they changed,
// or the account was made before consents were kept, or imported) is sent here by the consent gate
// (lib/http/consent_gate.ts) and agrees before going on to `next`; or leaves, or deletes the account.
import type {
  FreshContext,
  Handlers,
  PageProps,
  RouteConfig,
} from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import { ConsentCheckbox } from "@/components/ConsentCheckbox.tsx";
import { allowSchema, fieldError } from "@/lib/forms/rules.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { safeNext } from "@/lib/http/safe_next.ts";
import {
  agreeToCurrentTexts,
  consentsOf,
  consentToCurrent,
} from "@/lib/legal/consents.ts";
import type { LegalText } from "@/lib/legal/texts.ts";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  next: string;
  /** The account agreed to earlier versions: the texts have changed since. */
  changed: boolean;
  texts: LegalText[];
  error?: string;
}

type Context = FreshContext<State, Data>;

function seeOther(location: string): Response {
  return noStore(new Response(null, { status: 303, headers: { location } }));
}

/** The form, as it opens or as it came back (`error`), or the way on when there is nothing to agree to. */
async function consentPage(
  ctx: Context,
  next: string,
  error?: string,
): Promise<Response> {
  const { app, user } = ctx.state;
  // Logged out: there is no one to ask; logging in brings them back here when they still must agree.
  if (!user) return seeOther(`/login?next=${encodeURIComponent(next)}`);
  if (await consentToCurrent(app.kv, user.id, app.legal)) {
    return seeOther(next);
  }
  const changed = (await consentsOf(app.kv, user.id)).length > 0;
  return noStore(
    await ctx.render({
      next,
      changed,
      texts: [app.legal.agreement, app.legal.privacy],
      error,
    }, { status: error ? 400 : 200 }),
  );
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    return consentPage(ctx, safeNext(ctx.url.searchParams.get("next")));
  },

  async POST(req, ctx) {
    const { app, user, clientAddress } = ctx.state;
    const fields = await readForm(req);
    const next = safeNext(fields.next ?? ctx.url.searchParams.get("next"));
    const refused = fieldError(allowSchema, fields.allow ?? "");
    if (!user || refused) return consentPage(ctx, next, refused ?? undefined);
    await agreeToCurrentTexts(app, user.id, clientAddress);
    return seeOther(next);
  },
};

export default function Consent({ data }: PageProps<Data, State>) {
  return (
    <Page
      title="用户协议和隐私政策"
      heading={data.changed
        ? "用户协议和隐私政策已更新"
        : "请阅读用户协议和隐私政策"}
      lead={data.changed
        ? "我们更新了以下条款。请阅读并同意后继续使用美多商城账号："
        : "继续使用美多商城账号前，请阅读并同意以下条款："}
    >
      <ul class="legal-links">
        {data.texts.map((text) => (
          <li>
            <a href={text.path}>《{text.title}》</a>
            <span class="version">（版本 {text.version}）</span>
          </li>
        ))}
      </ul>
      <form
        method="post"
        action={`/consent?next=${encodeURIComponent(data.next)}`}
        class="account-form"
        noValidate
      >
        <ConsentCheckbox error={data.error} />
        <button type="submit" class="primary">同意并继续</button>
      </form>
      <form method="post" action="/logout" class="aside">
        不同意？您可以
        <button type="submit" class="link">退出登录</button>
        ，或<a href="/account/delete">注销账号</a>。
      </form>
    </Page>
  );
}
