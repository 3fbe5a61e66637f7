// The browser's side of an SMS login's sign-up proof (lib/accounts/signup_proofs.ts): the id, in an
// HttpOnly cookie, so only the browser that got the code finishes the sign-up.
//
// Cookie `sms_signup` (`__Host-` prefixed in production), HttpOnly, 600 s: the proof's id.
import type { App } from "@/lib/app/app.ts";
import {
  findSignupProof,
  type HeldSignupProof,
  isSignupProofId,
  type NewSignupProof,
  SIGNUP_COMPLETION_PATH,
  SIGNUP_PROOF_TTL_S,
} from "@/lib/accounts/signup_proofs.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "./cookies.ts";
import { noStore } from "./security.ts";

type ProofApp = Pick<App, "kv" | "now" | "config">;

const cookieOf = (app: ProofApp) =>
  appCookieName("sms_signup", app.config.production);

/** The 303 to the sign-up's completion, with the proof's cookie: the browser that got the code holds it. */
export function signupProofRedirect(
  app: ProofApp,
  proof: NewSignupProof,
): Response {
  const headers = new Headers({ location: SIGNUP_COMPLETION_PATH });
  setCookie(headers, cookieOf(app), proof.id, {
    httpOnly: true,
    secure: app.config.production,
    maxAge: SIGNUP_PROOF_TTL_S,
  });
  return noStore(new Response(null, { status: 303, headers }));
}

/** True when the browser holds a proof cookie, live or not: its form posts are the completion's. */
export function holdsSignupProof(app: ProofApp, req: Request): boolean {
  return isSignupProofId(getCookies(req)[cookieOf(app)]);
}

/** The live proof this browser holds, or null (none, expired, used, or another browser's). */
export function readSignupProof(
  app: ProofApp,
  req: Request,
): Promise<HeldSignupProof | null> {
  return findSignupProof(app, getCookies(req)[cookieOf(app)]);
}

/** Forgets the proof's cookie on `headers`: its row is gone. */
export function forgetSignupProof(app: ProofApp, headers: Headers): void {
  deleteCookie(headers, cookieOf(app), {
    httpOnly: true,
    secure: app.config.production,
  });
}
