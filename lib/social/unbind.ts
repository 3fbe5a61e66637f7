// Removing a user's QQ binding, so the next QQ login with that account asks to bind again.
import type { App } from "@/lib/app.ts";
import { recordAudit } from "@/lib/audit.ts";
import { unbindQq } from "./bindings.ts";
import type { User } from "@/lib/accounts/users.ts";

export async function unbindQqAccount(
  app: App,
  user: User,
  clientAddress: string,
): Promise<void> {
  const openid = await unbindQq(app.kv, user.id);
  await recordAudit(app.kv, {
    action: "unbind",
    outcome: openid ? "unbound" : "nothing_bound",
    clientAddress,
    userId: user.id,
    openid: openid ?? undefined,
  }, app.now());
}
