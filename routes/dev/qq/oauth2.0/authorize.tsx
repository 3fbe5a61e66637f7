// QQ's authorize page, simulated: pick the QQ identity to log in as, then back to the app with a code.
import { Head } from "$fresh/runtime.ts";
import type {
  FreshContext,
  Handlers,
  PageProps,
  RouteConfig,
} from "$fresh/server.ts";
import { Problem } from "@/components/Problem.tsx";
import { readForm } from "@/lib/http/forms.ts";
import { onThisHost } from "@/lib/http/own_host.ts";
import { qqErrorMessage } from "@/lib/qq/client.ts";
import { qqSettingsFor } from "@/lib/qq/provider.ts";
import {
  type AuthorizeRequest,
  grantCode,
  knownIdentities,
  type QqIdentity,
  QqRefusal,
  readAuthorizeRequest,
  readIdentity,
} from "@/lib/qq/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data = { refusal: number } | {
  identities: QqIdentity[];
  problem?: string;
  nickname?: string;
  openid?: string;
};

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof QqRefusal) {
      return ctx.render({ refusal: request.code }, { status: 400 });
    }
    return ctx.render({ identities: await knownIdentities(ctx.state.app) });
  },

  async POST(req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof QqRefusal) {
      return ctx.render({ refusal: request.code }, { status: 400 });
    }
    const form = await readForm(req);
    const chosen = readIdentity(form);
    if ("problem" in chosen) {
      const identities = await knownIdentities(ctx.state.app);
      const { nickname, openid } = form;
      return ctx.render({
        identities,
        problem: chosen.problem,
        nickname,
        openid,
      }, {
        status: 400,
      });
    }
    const callback = await grantCode(ctx.state.app, request, chosen.identity);
    return new Response(null, {
      status: 302,
      headers: { location: onThisHost(ctx.state.app, callback) },
    });
  },
};

function authorizeRequest(
  ctx: FreshContext<State>,
): AuthorizeRequest | QqRefusal {
  // The simulator's app has the app's own callback registered.
  const registered = qqSettingsFor(ctx.state.app).redirectUri;
  try {
    return readAuthorizeRequest(ctx.url.searchParams, registered);
  } catch (error) {
    if (error instanceof QqRefusal) return error;
    throw error;
  }
}

export default function AuthorizePage({ data, url }: PageProps<Data, State>) {
  if ("refusal" in data) {
    return (
      <Problem title="QQ授权失败" message={qqErrorMessage(data.refusal)} />
    );
  }
  // Posting back to this very URL keeps the authorize parameters in the query.
  const action = url.pathname + url.search;
  return (
    <section class="card dev-qq">
      <Head>
        <title>QQ登录（开发模拟器）</title>
      </Head>
      <h1>QQ登录</h1>
      <p class="notice">
        这是开发环境的QQ模拟器，不会连接真正的QQ。请选择用哪个QQ身份授权登录。
      </p>
      {data.problem && <p class="error" role="alert">{data.problem}</p>}
      <ul class="dev-qq-identities">
        {data.identities.map((identity) => (
          <li key={identity.openid}>
            <form method="post" action={action}>
              <input type="hidden" name="nickname" value={identity.nickname} />
              <input type="hidden" name="openid" value={identity.openid} />
              <button type="submit" class="dev-qq-identity">
                <span class="dev-qq-nickname">{identity.nickname}</span>
                <span class="dev-qq-openid">{identity.openid}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={action} class="dev-qq-custom">
        <h2>其他QQ身份</h2>
        <label>
          QQ昵称
          <input
            name="nickname"
            required
            maxLength={20}
            value={data.nickname ?? ""}
          />
        </label>
        <label>
          openid（可选，留空则自动生成）
          <input
            name="openid"
            maxLength={32}
            pattern="[0-9A-Fa-f]{32}"
            autoComplete="off"
            value={data.openid ?? ""}
          />
        </label>
        <button type="submit" class="primary">授权并登录</button>
      </form>
    </section>
  );
}
