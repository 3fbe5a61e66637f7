// The proof an SMS login leaves when its right code was for a mobile with no account: that mobile is this
// browser's for 600 s, to finish the sign-up with a password (GET, POST /register?continue=1). It lives
// on the server, keyed by the hash of a random id the browser holds in an HttpOnly cookie, so it is good
// only in the browser that got the code; the write that creates the account uses it up. The KV row and
// the cookie are written and read together, here.
//
// | key                             | value                           | expires |
// | ------------------------------- | ------------------------------- | ------- |
// | ["signup_proofs", sha256(id)]   | SignupProof: mobile, next, exp. | 600 s   |
//
// Cookie `sms_signup` (`__Host-` prefixed in production), HttpOnly, 600 s: the id.
import type { App } from "@/lib/app/app.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import {
  appCookieName,
  deleteCookie,
  getCookies,
  setCookie,
} from "@/lib/http/cookies.ts";

export const SIGNUP_PROOF_TTL_S = 600;
/** Where the browser finishes the sign-up. */
export const SIGNUP_COMPLETION_PATH = "/register?continue=1";
// randomId(16): 22 URL-safe characters.
const ID_SHAPE = /^[\w-]{22}$/;

interface SignupProof {
  mobile: string;
  /** Where the login was going: the new account lands there. */
  next: string;
  expiresAt: number;
}

/** A proof made by a login's write, before it is committed. */
export interface NewSignupProof {
  id: string;
  value: SignupProof;
}

/** A live proof this browser holds, with its entry: the write that creates the account checks it. */
export interface HeldSignupProof {
  mobile: string;
  next: string;
  expiresAt: number;
  entry: Deno.KvEntry<SignupProof>;
}

type ProofApp = Pick<App, "kv" | "now" | "config">;

const proofKey = (id: string) => ["signup_proofs", sha256Hex(id)];

const cookieOf = (app: ProofApp) =>
  appCookieName("sms_signup", app.config.production);

/** A proof for `mobile`, to be written by `writeSignupProofIn` in the write that consumes its code. */
export function newSignupProof(
  app: ProofApp,
  mobile: string,
  next: string,
): NewSignupProof {
  return {
    id: randomId(16),
    value: {
      mobile,
      next,
      expiresAt: app.now() + SIGNUP_PROOF_TTL_S * 1000,
    },
  };
}

/** Adds the proof's row to `op` (which fails if the id was somehow taken). */
export function writeSignupProofIn(
  op: Deno.AtomicOperation,
  proof: NewSignupProof,
): Deno.AtomicOperation {
  const key = proofKey(proof.id);
  return op.check({ key, versionstamp: null })
    .set(key, proof.value, { expireIn: SIGNUP_PROOF_TTL_S * 1000 });
}

/** The 303 to the sign-up's completion, with the proof's cookie: the browser that got the code holds it. */
export function signupProofRedirect(
  app: ProofApp,
  proof: NewSignupProof,
): Response {
  const headers = new Headers({
    location: SIGNUP_COMPLETION_PATH,
    "cache-control": "no-store",
  });
  setCookie(headers, cookieOf(app), proof.id, {
    httpOnly: true,
    secure: app.config.production,
    maxAge: SIGNUP_PROOF_TTL_S,
  });
  return new Response(null, { status: 303, headers });
}

/** True when the browser holds a proof cookie, live or not: its form posts are the completion's. */
export function holdsSignupProof(app: ProofApp, req: Request): boolean {
  return ID_SHAPE.test(getCookies(req)[cookieOf(app)] ?? "");
}

/** The live proof this browser holds, or null (none, expired, used, or another browser's). */
export async function readSignupProof(
  app: ProofApp,
  req: Request,
): Promise<HeldSignupProof | null> {
  const id = getCookies(req)[cookieOf(app)];
  if (!id || !ID_SHAPE.test(id)) return null;
  const entry = await app.kv.get<SignupProof>(proofKey(id));
  const proof = entry.value;
  if (!proof || proof.expiresAt <= app.now()) return null;
  return { ...proof, entry: entry as Deno.KvEntry<SignupProof> };
}

/** Adds the proof's use to `op`, which then fails if it was used (or replaced) meanwhile. */
export function spendSignupProofIn(
  op: Deno.AtomicOperation,
  proof: HeldSignupProof,
): Deno.AtomicOperation {
  return op.check(proof.entry).delete(proof.entry.key);
}

/** Forgets the proof's cookie on `headers`: its row is gone. */
export function forgetSignupProof(app: ProofApp, headers: Headers): void {
  deleteCookie(headers, cookieOf(app), {
    httpOnly: true,
    secure: app.config.production,
  });
}
