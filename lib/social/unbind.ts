// Removing a user's binding of one provider, so the next login with that identity asks to bind again.
import type { App } from "@/lib/app/app.ts";
import { recordAudit } from "@/lib/audit.ts";
import type { User } from "@/lib/accounts/users.ts";
import { unbind } from "./bindings.ts";
import type { Provider } from "./provider.ts";

export async function unbindAccount(
  app: App,
  user: User,
  provider: Provider,
  clientAddress: string,
): Promise<void> {
  const uid = await unbind(app.kv, user.id, provider.id);
  await recordAudit(app.kv, {
    action: "unbind",
    outcome: uid ? "unbound" : "nothing_bound",
    clientAddress,
    userId: user.id,
    provider: provider.id,
    uid: uid ?? undefined,
  }, app.now());
}
