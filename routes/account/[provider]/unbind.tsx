import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { Page } from "@/components/Page.tsx";
import { findBindingsOfUser } from "@/lib/social/bindings.ts";
import { enabledProvider } from "@/lib/social/registry.ts";
import { unbindAccount } from "@/lib/social/unbind.ts";
import { askForRecentProof } from "@/lib/http/recent_proof.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  providerId: string;
  providerName: string;
  nickname: string | null;
}

// Unbinding asks first: this page, whose button posts here. Both need the password given lately in this
// session: a stolen session must not strip the owner's way back in.
export const handler: Handlers<Data, State> = {
  async GET(req, ctx) {
    const { app, user } = ctx.state;
    const provider = enabledProvider(app.config, ctx.params.provider);
    if (!provider || !user) return ctx.renderNotFound();
    const asked = askForRecentProof(req, ctx);
    if (asked) return asked;
    const binding = (await findBindingsOfUser(app.kv, user.id)).get(
      provider.id,
    );
    if (!binding) return seeOther("/account");
    return ctx.render({
      providerId: provider.id,
      providerName: provider.name,
      nickname: binding.nickname,
    });
  },

  async POST(req, ctx) {
    const { app, user, clientAddress } = ctx.state;
    const provider = enabledProvider(app.config, ctx.params.provider);
    if (!provider || !user) return ctx.renderNotFound();
    const asked = askForRecentProof(req, ctx);
    if (asked) return asked;
    await unbindAccount(app, user, provider, clientAddress);
    return seeOther("/account");
  },
};

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

export default function ConfirmUnbind({ data }: PageProps<Data, State>) {
  const { providerId, providerName, nickname } = data;
  return (
    <Page
      title={`解除${providerName}绑定`}
      lead={
        <>
          确定要解除{providerName}
          {nickname ? `（${nickname}）` : ""}
          与本账号的绑定吗？解除后用该{providerName}登录时需要重新绑定。
        </>
      }
    >
      <form
        method="post"
        action={`/account/${providerId}/unbind`}
        class="actions"
      >
        <button type="submit" class="primary">解除绑定</button>
        <a class="button secondary" href="/account">取消</a>
      </form>
    </Page>
  );
}
