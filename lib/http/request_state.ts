// What the root middleware puts on ctx.state for every route.
import type { App } from "@/lib/app/app.ts";
import type { LiveSession } from "@/lib/sessions/sessions.ts";
import type { User } from "@/lib/accounts/users.ts";

export interface State {
  app: App;
  /** The client's address, from the socket or, with TRUST_PROXY, X-Forwarded-For. */
  clientAddress: string;
  /** The browser's id from its cookie (lib/http/browser_id.ts), or null when it has none yet. */
  browser: string | null;
  session: LiveSession | null;
  user: User | null;
  /** Set by the bind page: this browser is logged in with a provider, its bind pending; the header says so. */
  pendingBind?: { nickname: string | null; providerName: string };
  /** The one-time confirmation of the change just made (lib/http/flash.ts), shown above the page. */
  flash?: string;
}
