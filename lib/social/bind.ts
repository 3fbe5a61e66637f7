// The bind: a provider's identity (carried by the bind token) joins the shop account of a mobile, which
// is created when it does not exist yet. One atomic write does it all, or nothing is written.
import { inSpan } from "@/lib/core/telemetry.ts";
import type { App } from "@/lib/app/app.ts";
import { ATOMIC_RETRIES } from "@/lib/kv/atomic.ts";
import { audited } from "@/lib/audit.ts";
import { bindIn, findBindConflict } from "./bindings.ts";
import { markBindTokenUsedIn, openBindToken } from "./bind_tokens.ts";
import { admitPasswordCheck } from "@/lib/accounts/throttle.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { browserOf } from "@/lib/http/browser_id.ts";
import { messages } from "@/lib/messages.ts";
import {
  checkSmsCode,
  consumeSmsCodeIn,
  returnSmsCodeTurn,
} from "@/lib/sms/codes.ts";
import {
  createUserIn,
  findUserByMobile,
  newUser,
  rehashPasswordIn,
  type User,
} from "@/lib/accounts/users.ts";
import {
  checkPassword,
  needsUpgrade,
  upgradedHash,
} from "@/lib/accounts/password_upgrade.ts";
import { smsCodeMessage } from "@/lib/accounts/proofs.ts";
import { checkSignupForm } from "@/lib/forms/rules.ts";
import { consentTo, recordConsentIn } from "@/lib/legal/consents.ts";
import { providerMessages } from "@/lib/messages.ts";
import type { Provider } from "./provider.ts";

/** Where on the bind form a failure is shown. */
export type BindField =
  | "form"
  | "mobile"
  | "password"
  | "sms_code"
  | "allow"
  | "access_token"
  | "account"
  | "image_code"
  | "provider";

export type BindResult =
  | { ok: true; user: User; created: boolean; next: string; uid: string }
  | {
    ok: false;
    field: BindField;
    message: string;
    reason?: string;
    uid?: string;
    /** Past the login limit: the form shows a new image code, which the next attempt must carry. */
    captcha?: boolean;
  };

/**
 * Binds the identity of the bind token in `fields.access_token`, which must be this browser's (`req`), to
 * the account of `fields.mobile`, and records the attempt.
 */
export async function bindAccount(
  app: App,
  provider: Provider,
  req: Request,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
): Promise<BindResult> {
  const post = { provider, req, fields, clientAddress };
  return await audited(
    app,
    "bind",
    inSpan("bind", { provider: provider.id }, () => attemptBind(app, post)),
    (result) => ({
      success: result.ok && result.created ? "created_and_bound" : "bound",
      clientAddress,
      userId: result.ok ? result.user.id : undefined,
      mobile: fields.mobile?.slice(0, 32),
      provider: provider.id,
      uid: result.uid,
    }),
  );
}

/** A bind form as posted: for `provider`'s identity, from the browser of `req` at `clientAddress`. */
interface BindPost {
  provider: Provider;
  req: Request;
  fields: Partial<Record<string, string>>;
  clientAddress: string;
}

async function attemptBind(
  app: App,
  { provider, req, fields, clientAddress }: BindPost,
): Promise<BindResult> {
  const said = providerMessages(provider.name);
  const form = checkSignupForm(fields);
  if (!form.ok) return form;
  const { mobile, password, sms_code: smsCode } = form.value;
  const { kv } = app;
  let newPasswordHash: string | undefined;
  let verifiedHash: string | undefined;
  // An imported account's first success: the app's hash of its password, written with the binding.
  let upgraded: string | null | undefined;

  // A lost race re-reads everything, so the answer reflects what won.
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const now = app.now();
    // The account is read before the code: a racing bind that created it consumed the code in the
    // same write, so a loser sees the code gone instead of reaching the password check and throttle.
    const found = await findUserByMobile(kv, mobile);
    const sms = await checkSmsCode(kv, mobile, "signup", smsCode, now);
    if (!sms.ok) {
      const message = smsCodeMessage(sms.reason);
      return { ok: false, field: "sms_code", message, reason: sms.reason };
    }
    // The code was right: a bind refused for anything else gives back the turn its check took, so the
    // owner can correct the password (or come back with a new bind token) without a new SMS.
    const refused = async (
      field: BindField,
      message: string,
      reason: string,
      more: { uid?: string; captcha?: boolean } = {},
    ): Promise<BindResult> => {
      await returnSmsCodeTurn(kv, sms.entry, now);
      return { ok: false, field, message, reason, ...more };
    };
    const token = await openBindToken(
      app,
      req,
      provider.id,
      fields.access_token,
    );
    if (!token) {
      return await refused(
        "access_token",
        messages.bindTokenInvalid,
        "bad_bind_token",
      );
    }
    const { uid } = token;
    let user: User;
    if (found.user) {
      user = found.user;
      if (verifiedHash !== user.passwordHash) {
        // Past the login limit only an attempt with a solved image code is checked (and it may be the owner).
        const admission = await admitPasswordCheck(
          app,
          { login: mobile, userId: user.id },
          clientAddress,
          challengeAnswer(fields, browserOf(app, req)),
        );
        if (!admission.ok) {
          return await refused(
            admission.field,
            admission.message,
            "throttled",
            {
              uid,
              captcha: admission.captcha,
            },
          );
        }
        const checked = await checkPassword(app, user, password);
        const right = checked.valid;
        upgraded = checked.upgradedHash;
        await admission.settle(right);
        if (!right) {
          return await refused(
            "account",
            messages.wrongCredentials,
            "wrong_password",
            { uid, captcha: admission.pastLimit },
          );
        }
        verifiedHash = user.passwordHash;
      }
      if (user.disabledAt) {
        return await refused("account", messages.accountDisabled, "disabled", {
          uid,
        });
      }
      upgraded ??= await upgradedHash(app, user, password);
    } else {
      newPasswordHash ??= await app.passwords.hash(password);
      user = newUser(mobile, newPasswordHash, now, "bind");
    }

    // The write checks that the identity and the account's slot for this provider are free; only when it
    // fails is it worth reading which was taken (a bind that goes through reads neither).
    const op = kv.atomic();
    if (found.user) op.check(...found.checks);
    else createUserIn(op, user);
    if (found.entry && upgraded && needsUpgrade(found.entry.value)) {
      rehashPasswordIn(op, found.entry, upgraded);
    }
    bindIn(op, {
      provider: provider.id,
      uid,
      ...(token.unionid ? { unionid: token.unionid } : {}),
      userId: user.id,
      nickname: token.nickname,
      createdAt: now,
    });
    // The bind form's allow box: the account (new or not) agreed to the texts it showed, in this write.
    recordConsentIn(op, user.id, consentTo(app.legal, "bind", now));
    consumeSmsCodeIn(op, sms.entry);
    markBindTokenUsedIn(op, token, user.username, now);
    if ((await op.commit()).ok) {
      return { ok: true, user, created: !found.user, next: token.next, uid };
    }
    const conflict = await findBindConflict(kv, provider.id, uid, user.id);
    if (conflict) {
      const reason = conflict.kind === "identity_bound"
        ? said.identityBound
        : said.accountBound;
      return await refused("provider", said.loginFailed, reason, { uid });
    }
    // Lost a race: the next round checks the code again, with the turn this one took given back.
    await returnSmsCodeTurn(kv, sms.entry, now);
  }
  return {
    ok: false,
    field: "provider",
    message: said.loginFailed,
    reason: "busy",
  };
}
