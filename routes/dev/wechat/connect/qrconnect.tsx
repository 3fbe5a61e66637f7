// WeChat's QR-code login page, simulated: instead of scanning, pick who scans; then back to the app.
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
import { wechatSettingsFor } from "@/lib/wechat/provider.ts";
import {
  type AuthorizeRequest,
  grantCode,
  knownIdentities,
  qrModules,
  readAuthorizeRequest,
  readIdentity,
  type WechatIdentity,
  WechatPageRefusal,
} from "@/lib/wechat/simulator.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

type Data = { refusal: string } | {
  identities: WechatIdentity[];
  problem?: string;
  form?: Record<string, string>;
};

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof WechatPageRefusal) {
      return ctx.render({ refusal: request.message }, { status: 400 });
    }
    return ctx.render({ identities: await knownIdentities(ctx.state.app) });
  },

  async POST(req, ctx) {
    const request = authorizeRequest(ctx);
    if (request instanceof WechatPageRefusal) {
      return ctx.render({ refusal: request.message }, { status: 400 });
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
): AuthorizeRequest | WechatPageRefusal {
  // The simulator's app has the app's own callback registered.
  const registered = wechatSettingsFor(ctx.state.app).redirectUri;
  try {
    return readAuthorizeRequest(ctx.url.searchParams, registered);
  } catch (error) {
    if (error instanceof WechatPageRefusal) return error;
    throw error;
  }
}

export default function QrConnectPage({ data, url }: PageProps<Data, State>) {
  if ("refusal" in data) {
    return <Problem title="微信登录失败" message={data.refusal} />;
  }
  // Posting back to this very URL keeps the page's parameters in the query.
  const action = url.pathname + url.search;
  const modules = qrModules(url.searchParams.get("state") ?? "");
  return (
    <section class="card dev-wechat">
      <Head>
        <title>微信登录（开发模拟器）</title>
      </Head>
      <h1>微信登录</h1>
      <svg
        class="dev-wechat-qr"
        viewBox={`-2 -2 ${modules.length + 4} ${modules.length + 4}`}
        width="180"
        height="180"
        role="img"
        aria-label="模拟的微信登录二维码"
      >
        <rect x="-2" y="-2" width="100%" height="100%" fill="#fff" />
        {modules.flatMap((row, y) =>
          row.map((dark, x) =>
            dark
              ? (
                <rect
                  key={`${x}-${y}`}
                  x={x}
                  y={y}
                  width="1"
                  height="1"
                  fill="#000"
                />
              )
              : null
          )
        )}
      </svg>
      <p class="notice">
        这是开发环境的微信模拟器，不会连接真正的微信。请选择由哪个微信用户“扫码”并确认登录。
      </p>
      {data.problem && <p class="error" role="alert">{data.problem}</p>}
      <ul class="dev-identities">
        {data.identities.map((identity) => (
          <li key={identity.openid}>
            <form method="post" action={action}>
              <input type="hidden" name="nickname" value={identity.nickname} />
              <input type="hidden" name="openid" value={identity.openid} />
              <input
                type="hidden"
                name="unionid"
                value={identity.unionid ?? ""}
              />
              <button type="submit" class="dev-identity">
                <span class="dev-nickname">{identity.nickname}</span>
                <span class="dev-id">
                  {identity.unionid
                    ? `unionid ${identity.unionid}`
                    : `openid ${identity.openid}（无unionid）`}
                </span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={action} class="dev-custom">
        <h2>其他微信用户</h2>
        <label>
          微信昵称
          <input
            name="nickname"
            required
            maxLength={20}
            value={data.form?.nickname ?? ""}
          />
        </label>
        <label>
          openid（可选，留空则自动生成）
          <input
            name="openid"
            maxLength={64}
            autoComplete="off"
            value={data.form?.openid ?? ""}
          />
        </label>
        <label>
          unionid（可选，留空则没有unionid）
          <input
            name="unionid"
            maxLength={64}
            autoComplete="off"
            value={data.form?.unionid ?? ""}
          />
        </label>
        <button type="submit" class="primary">确认登录</button>
      </form>
    </section>
  );
}
