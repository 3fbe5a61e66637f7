// The consent gate: a logged-in user who has not agreed to the legal texts in force (an account made
// before consents were kept, an imported one, or texts changed since) is sent to /consent, which asks;
// until they agree, only what lets them read, agree, leave or delete the account answers them.
import { createLRU } from "lru.min";
import { type LegalTexts, legalVersions } from "@/lib/legal/texts.ts";
import { consentToCurrent } from "@/lib/legal/consents.ts";
import { noStore } from "./security.ts";

/** Where the consent is asked. */
export const CONSENT_PATH = "/consent";

// The pages a user who has not agreed may still see, and what the deletion page needs to work (its SMS
// and image codes). The simulators (/dev) stand in for QQ, WeChat and Weibo, which are not the shop.
const OPEN_PAGES = new Set([
  CONSENT_PATH,
  "/agreement",
  "/privacy",
  "/logout",
  "/account/delete",
  "/sms_codes",
]);
const OPEN_FOLDERS = ["/sms_codes/", "/image_codes/", "/dev/"];

/** True when `path` answers a user who has not agreed yet. */
export function openBeforeConsent(path: string): boolean {
  return OPEN_PAGES.has(path) ||
    OPEN_FOLDERS.some((folder) => path.startsWith(folder));
}

// A consent found is trusted by this isolate for a minute, so that a user's next pages cost no read for
// it (one of the account page's six). Consents are only added while the app runs: an account's deletion
// ends its sessions first, and one lost to kv:restore of an older backup is asked for again within the
// minute. At most 10,000 accounts are remembered, the least recently seen let go first.
const CONSENT_TRUSTED_MS = 60_000;
const CONSENTS_REMEMBERED = 10_000;

interface Found {
  /** The versions agreed to, as legalVersions gives them. */
  agreement: string;
  privacy: string;
  until: number;
}

type GateStore = { kv: Deno.Kv; legal: LegalTexts; now: () => number };

const remembered = new WeakMap<
  Deno.Kv,
  ReturnType<typeof createLRU<string, Found>>
>();

async function hasAgreed(store: GateStore, userId: string): Promise<boolean> {
  const now = store.now();
  const current = legalVersions(store.legal);
  let found = remembered.get(store.kv);
  const known = found?.get(userId);
  if (
    known && known.until > now && known.agreement === current.agreement &&
    known.privacy === current.privacy
  ) return true;
  if (!(await consentToCurrent(store.kv, userId, store.legal))) return false;
  if (!found) {
    found = createLRU<string, Found>({ max: CONSENTS_REMEMBERED });
    remembered.set(store.kv, found);
  }
  found.set(userId, { ...current, until: now + CONSENT_TRUSTED_MS });
  return true;
}

/**
 * For a logged-in `userId`: null when it may go on (it agreed to `texts`, or `url` is open before
 * consent), else the 303 to /consent, which comes back to this page (a form post, which can't be come
 * back to, to the home page).
 */
export async function askConsentFirst(
  store: GateStore,
  userId: string,
  req: Request,
  url: URL,
): Promise<Response | null> {
  if (openBeforeConsent(url.pathname)) return null;
  if (await hasAgreed(store, userId)) return null;
  const next = req.method === "GET" || req.method === "HEAD"
    ? url.pathname + url.search
    : "/";
  const location = `${CONSENT_PATH}?next=${
    encodeURIComponent(next).replaceAll("%2F", "/")
  }`;
  return noStore(new Response(null, { status: 303, headers: { location } }));
}
