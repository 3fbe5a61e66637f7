// The proof an SMS login leaves when its right code was for a mobile with no account: that mobile is this
// browser's for 600 s, to finish the sign-up with a password (GET, POST /register?continue=1). It lives
// on the server, keyed by the hash of a random id the browser holds in an HttpOnly cookie
// (lib/http/signup_proof_cookie.ts), so it is good only in the browser that got the code; the write that
// creates the account uses it up.
//
// | key                             | value                           | expires |
// | ------------------------------- | ------------------------------- | ------- |
// | ["signup_proofs", sha256(id)]   | SignupProof: mobile, next, exp. | 600 s   |
import type { App } from "@/lib/app/app.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";

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

type ProofApp = Pick<App, "kv" | "now">;

const proofKey = (id: string) => ["signup_proofs", sha256Hex(id)];

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

/** The live proof of id `id` (a browser's cookie), or null (none, malformed, expired or used). */
export async function findSignupProof(
  app: ProofApp,
  id: string | undefined,
): Promise<HeldSignupProof | null> {
  if (!isSignupProofId(id)) return null;
  const entry = await app.kv.get<SignupProof>(proofKey(id));
  const proof = entry.value;
  if (!proof || proof.expiresAt <= app.now()) return null;
  return { ...proof, entry: entry as Deno.KvEntry<SignupProof> };
}

/** True when `id` has the shape of a proof's id (randomId(16): 22 URL-safe characters). */
export const isSignupProofId = (id: string | undefined): id is string =>
  id !== undefined && ID_SHAPE.test(id);

/** Adds the proof's use to `op`, which then fails if it was used (or replaced) meanwhile. */
export function spendSignupProofIn(
  op: Deno.AtomicOperation,
  proof: HeldSignupProof,
): Deno.AtomicOperation {
  return op.check(proof.entry).delete(proof.entry.key);
}
