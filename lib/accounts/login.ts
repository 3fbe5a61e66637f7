// Logging in with a username (or mobile) and password.
import type { App } from "@/lib/app/app.ts";
import { recordAudit } from "@/lib/audit.ts";
import { admitPasswordCheck } from "./throttle.ts";
import { challengeAnswer } from "@/lib/captcha/challenge.ts";
import { messages } from "@/lib/messages.ts";
import { findUserByLogin, type User } from "./users.ts";
import {
  checkPassword,
  type PasswordUpgrade,
  passwordUpgrade,
} from "./password_upgrade.ts";
import { MISSING } from "@/lib/forms/rules.ts";

export type LoginResult = {
  ok: true;
  user: User;
  /** An imported account's first login: its new hash, written with the session (lib/http/login_cookies.ts). */
  upgrade: PasswordUpgrade | null;
} | {
  ok: false;
  field: "account" | "image_code";
  message: string;
  /** Past the login limit: the form shows a new image code, which the next attempt must carry. */
  captcha: boolean;
  /** A field left empty says so under it. */
  fieldErrors?: Partial<Record<"username" | "password", string>>;
};

// bcrypt reads at most 72 bytes; a longer field is no one's password and not worth hashing.
const MAX_FIELD = 128;

export async function logIn(
  app: App,
  fields: Partial<Record<string, string>>,
  clientAddress: string,
  /** The browser's id (lib/http/browser_id.ts), when it sent one. */
  browser: string | null = null,
): Promise<LoginResult> {
  const login = fields.username?.trim() ?? "";
  const password = fields.password ?? "";
  const now = app.now();
  const audit = (outcome: string, user?: User) =>
    recordAudit(app.kv, {
      action: "login",
      outcome,
      clientAddress,
      userId: user?.id,
      mobile: user?.mobile,
    }, now);
  const wrong = (
    captcha: boolean,
    fieldErrors?: Partial<Record<"username" | "password", string>>,
  ): LoginResult => ({
    ok: false,
    field: "account",
    message: messages.wrongCredentials,
    captcha,
    ...fieldErrors && { fieldErrors },
  });

  if (
    !login || !password || login.length > MAX_FIELD ||
    password.length > MAX_FIELD
  ) {
    await audit("refused: malformed");
    // The form's own message stays the contract's 用户名或密码错误 (wrong either way); each empty field
    // says what it lacks.
    return wrong(false, {
      ...!login && { username: MISSING.username },
      ...!password && { password: MISSING.password },
    });
  }
  // Looked up first, so that the day's cap counts the account whichever of its names was typed.
  const user = await findUserByLogin(app.kv, login);
  const admission = await admitPasswordCheck(
    app,
    { login, userId: user?.id },
    clientAddress,
    challengeAnswer(fields, browser),
  );
  if (!admission.ok) {
    await audit("refused: throttled");
    return admission;
  }
  // An unknown user still costs one hash, so the answer's timing does not tell who has an account.
  const checked = user
    ? await checkPassword(app, user, password)
    : (await app.passwords.verifyNothing(password), null);
  const valid = checked?.valid ?? false;
  await admission.settle(Boolean(user && valid));
  if (user && valid) {
    if (user.disabledAt) {
      await audit("refused: disabled", user);
      return {
        ok: false,
        field: "account",
        message: messages.accountDisabled,
        captcha: false,
      };
    }
    await audit("logged_in", user);
    return {
      ok: true,
      user,
      upgrade: await passwordUpgrade(
        app,
        user,
        password,
        checked?.upgradedHash,
      ),
    };
  }
  await audit("refused: wrong credentials", user ?? undefined);
  return wrong(admission.pastLimit);
}
