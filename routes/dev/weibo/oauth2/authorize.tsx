// Weibo's authorize page, simulated: pick the Weibo user who agrees, then back to the app with a code.
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
import { weiboSettingsFor } from "@/lib/weibo/provider.ts";
import {
  type AuthorizeRequest,
  grantCode,
  knownIdentities,
  readAuthorizeRequest,
  readIdentity,
  type WeiboIdentity,
  WeiboRefusal,
} from "@/lib/weibo/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data = { refusal: WeiboRefusal } | {
  identities: WeiboIdentity[];
  problem?: string;
  form?: Record<string, string>;
};

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof WeiboRefusal) {
      return ctx.render({ refusal: request }, { status: 400 });
    }
    return ctx.render({ identities: await knownIdentities(ctx.state.app) });
  },

  async POST(req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof WeiboRefusal) {
      return ctx.render({ refusal: request }, { status: 400 });
    }
    const form = await readForm(req);
    const chosen = readIdentity(form);
    if ("problem" in chosen) {
      return ctx.render({
        identities: await knownIdentities(ctx.state.app),
        problem: chosen.problem,
        form,
      }, { status: 400 });
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
): AuthorizeRequest | WeiboRefusal {
  // The simulator's app has the app's own callback registered.
  const registered = weiboSettingsFor(ctx.state.app).redirectUri;
  try {
    return readAuthorizeRequest(ctx.url.searchParams, registered);
  } catch (error) {
    if (error instanceof WeiboRefusal) return error;
    throw error;
  }
}

export default function AuthorizePage({ data, url }: PageProps<Data, State>) {
  if ("refusal" in data) {
    const { error, errorCode } = data.refusal;
    return (
      <Problem
        title="微博授权失败"
        message={`${error}（错误码${errorCode}）`}
      />
    );
  }
  // Posting back to this very URL keeps the authorize parameters in the query.
  const action = url.pathname + url.search;
  return (
    <section class="card dev-weibo">
      <Head>
        <title>微博登录（开发模拟器）</title>
      </Head>
      <h1>微博登录</h1>
      <p class="notice">
        这是开发环境的微博模拟器，不会连接真正的微博。请选择用哪个微博账号授权登录。
      </p>
      {data.problem && <p class="error" role="alert">{data.problem}</p>}
      <ul class="dev-identities">
        {data.identities.map((identity) => (
          <li key={identity.uid}>
            <form method="post" action={action}>
              <input
                type="hidden"
                name="screen_name"
                value={identity.screenName}
              />
              <input type="hidden" name="uid" value={identity.uid} />
              <button type="submit" class="dev-identity">
                <span class="dev-nickname">{identity.screenName}</span>
                <span class="dev-id">uid {identity.uid}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={action} class="dev-custom">
        <h2>其他微博账号</h2>
        <label>
          微博昵称
          <input
            name="screen_name"
            required
            maxLength={30}
            value={data.form?.screen_name ?? ""}
          />
        </label>
        <label>
          uid（可选，留空则自动生成）
          <input
            name="uid"
            maxLength={16}
            inputMode="numeric"
            autoComplete="off"
            value={data.form?.uid ?? ""}
          />
        </label>
        <button type="submit" class="primary">授权</button>
      </form>
    </section>
  );
}
