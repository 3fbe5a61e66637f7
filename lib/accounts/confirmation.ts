// 验证密码 (/account/confirm): the password given again in a logged-in session, recorded on it as a
// recent proof. Checked and throttled as every form that asks for the current password, so a stolen
// session can't guess its way to one.
import type { App } from "@/lib/app/app.ts";
import { audited } from "@/lib/audit.ts";
import { messages } from "@/lib/messages.ts";
import { recordProof } from "@/lib/sessions/recent_proof.ts";
import type { Session } from "@/lib/sessions/sessions.ts";
import {
  type AccountPost,
  checkCurrentPassword,
  type FormFailure,
} from "./proofs.ts";
import type { User } from "./users.ts";

export type ConfirmationResult = { ok: true } | FormFailure<"password">;

export async function confirmPassword(
  app: App,
  user: User,
  session: Pick<Session, "userId" | "publicId">,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
  browser: string | null,
): Promise<ConfirmationResult> {
  const post = { user, fields, clientAddress, browser };
  return await audited(
    app,
    "confirm",
    attemptConfirmation(app, post, session),
    { success: "confirmed", clientAddress, userId: user.id },
  );
}

async function attemptConfirmation(
  app: App,
  post: AccountPost,
  session: Pick<Session, "userId" | "publicId">,
): Promise<ConfirmationResult> {
  if (!post.fields.password) {
    return { ok: false, field: "password", message: messages.missingFields };
  }
  const refused = await checkCurrentPassword(app, post, post.fields.password);
  if (refused) return refused;
  // Ended meanwhile (signed out from another device): there is no session left to prove.
  if (!(await recordProof(app.kv, session, app.now()))) {
    return { ok: false, field: "form", message: messages.busy };
  }
  return { ok: true };
}
