import type { Handlers } from "$fresh/server.ts";
import { onThisHost } from "@/lib/http/own_host.ts";
import { askForRecentProof } from "@/lib/http/recent_proof.ts";
import { startLogin } from "@/lib/social/login.ts";
import { enabledProvider } from "@/lib/social/registry.ts";
import type { State } from "@/lib/http/request_state.ts";

export const handler: Handlers<unknown, State> = {
  async GET(req, ctx) {
    const { app, clientAddress } = ctx.state;
    const provider = enabledProvider(app.config, ctx.params.provider);
    if (!provider) return ctx.renderNotFound();
    // Logged in, this login is a connect: the password first, unless given in the last 10 minutes.
    const asked = askForRecentProof(req, ctx);
    if (asked) return asked;
    const headers = new Headers();
    headers.set(
      "location",
      onThisHost(
        app,
        await startLogin(app, provider, req, headers, {
          next: ctx.url.searchParams.get("next"),
          clientAddress,
        }),
      ),
    );
    return new Response(null, { status: 302, headers });
  },
};
