// Each account's consents to the shop's legal texts (个人信息保护法): which texts in which versions, when,
// and on which form. The register and bind forms write one in the same atomic write as the account;
// /consent (and the SMS-login completion) when the texts change or an account has none. A row per pair
// of versions, so the gate (lib/http/consent_gate.ts) asks for the current pair with one read (and then
// trusts it for a minute), and the rows an account can have are as few as the versions the shop ever
// published; the account's deletion removes them.
//
// | key                                      | value                                      |
// | ---------------------------------------- | ------------------------------------------ |
// | ["consents", userId, versionsId]         | Consent: the latest given to those versions |
//
// versionsId is `<agreement version>.<privacy version>`.
import { recordAudit } from "@/lib/audit.ts";
import type { LegalTexts, LegalVersions } from "./texts.ts";
import { legalVersions } from "./texts.ts";

/** The form a consent was given on: the allow box of register, bind or the SMS-login completion, or /consent. */
export type ConsentForm = "register" | "bind" | "sms_login" | "consent";

export interface Consent {
  /** The version of each text agreed to, by text (agreement, privacy). */
  versions: LegalVersions;
  at: number;
  via: ConsentForm;
}

const versionsId = (versions: LegalVersions) =>
  `${versions.agreement}.${versions.privacy}`;

export const consentKey = (userId: string, versions: LegalVersions) => [
  "consents",
  userId,
  versionsId(versions),
];
const consentsOfUserPrefix = (userId: string) => ["consents", userId];

/** A consent to `texts` as they are now. */
export function consentTo(
  texts: LegalTexts,
  via: ConsentForm,
  now: number,
): Consent {
  return { versions: legalVersions(texts), at: now, via };
}

/** Adds `consent` by `userId` to `op` (replacing an older one to the same versions). */
export function recordConsentIn(
  op: Deno.AtomicOperation,
  userId: string,
  consent: Consent,
): Deno.AtomicOperation {
  return op.set(consentKey(userId, consent.versions), consent);
}

export async function recordConsent(
  kv: Deno.Kv,
  userId: string,
  consent: Consent,
): Promise<void> {
  await kv.set(consentKey(userId, consent.versions), consent);
}

/** /consent's 同意并继续: the account agrees to the texts in force now; recorded, and audited. */
export async function agreeToCurrentTexts(
  store: { kv: Deno.Kv; legal: LegalTexts; now: () => number },
  userId: string,
  clientAddress: string,
): Promise<void> {
  const now = store.now();
  await recordConsent(store.kv, userId, consentTo(store.legal, "consent", now));
  await recordAudit(store.kv, {
    action: "consent",
    outcome: "agreed",
    clientAddress,
    userId,
  }, now);
}

/** The account's consent to the versions of `texts` in force now, or null when it has given none. */
export async function consentToCurrent(
  kv: Deno.Kv,
  userId: string,
  texts: LegalTexts,
): Promise<Consent | null> {
  return (await kv.get<Consent>(consentKey(userId, legalVersions(texts))))
    .value;
}

/** The account's consents, newest first. */
export async function consentsOf(
  kv: Deno.Kv,
  userId: string,
): Promise<Consent[]> {
  const consents = (await consentEntriesOfUser(kv, userId)).map(({ value }) =>
    value
  );
  return consents.sort((a, b) => b.at - a.at);
}

/** Every row of the account's consents, for the write that deletes the account. */
export async function consentEntriesOfUser(
  kv: Deno.Kv,
  userId: string,
): Promise<Deno.KvEntry<Consent>[]> {
  const entries: Deno.KvEntry<Consent>[] = [];
  for await (
    const entry of kv.list<Consent>({ prefix: consentsOfUserPrefix(userId) })
  ) entries.push(entry);
  return entries;
}
