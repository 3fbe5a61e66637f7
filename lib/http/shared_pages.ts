// Pages every logged-out visitor sees alike (home, login, register, the legal texts): a credential-stuffing
// or SMS-bombing wave GETs them first, and Deno Deploy bills each render's CPU. Such a page is rendered
// once per app and host and sent again with a nonce made for each response (in its
// Content-Security-Policy and its scripts, as the runtime puts it on a page it renders), gzipped once
// for the requests that take gzip. lib/http/serve.ts answers with it before the runtime routes the
// request; the middleware, for a HEAD.
//
// Never shared: a request carrying any cookie (a session, a pending bind, an OAuth state, a message
// meant for one browser all travel in cookies), a request with a body, any method but GET and HEAD, an
// answer that sets a cookie or is not a 200 page with one nonce. And a page is shared only once two
// renders, for two requests, came out the same but for their nonces: a page that mints something per
// request (an image code's uuid, a token) never matches itself and is rendered every time.
import type { FreshContext } from "$fresh/server.ts";
import type { App } from "@/lib/app/app.ts";
import type { State } from "./request_state.ts";
import { noStore } from "./security.ts";
import type { PageGzip } from "./_page_gzip.ts";

/** The route patterns whose pages may be shared between visitors without cookies. */
export const SHARED_ROUTES: ReadonlySet<string> = new Set([
  "/",
  "/login",
  "/register",
  "/password/reset",
  "/agreement",
  "/privacy",
]);

/**
 * The GET of a page that says the same to everyone but in its header, which names who is logged in: the
 * page of a logged-in user is kept by no cache (nor shown again by Back after logging out).
 */
export async function renderSharedPage(
  _req: Request,
  ctx: FreshContext<State>,
  data?: unknown,
): Promise<Response> {
  const page = await ctx.render(data);
  return ctx.state.user ? noStore(page) : page;
}

/** Past this many pages (hosts × paths × queries) the oldest is forgotten: a flood of odd URLs costs renders, not memory. */
const MAX_PAGES = 256;
/** A longer query is rendered every time. */
const MAX_KEY_LENGTH = 512;
/** A shared page is rendered again after this long, so nothing in it is older. */
const LIFETIME_MS = 60_000;

const CSP = "content-security-policy";
const NONCE_IN_POLICY = /'nonce-([^']+)'/g;

/** A rendered page cut at its nonce, to be joined with a new one per response. */
interface Template {
  /** The route pattern that rendered it, the name its requests' spans take. */
  route: string;
  status: number;
  bodyParts: string[];
  /** The same parts as UTF-8, so that each response copies bytes rather than encoding the page again. */
  bodyBytes: Uint8Array[];
  bodyLength: number;
  headers: [string, string][];
  /** Where the policy is in `headers`, and its value cut at the nonce. */
  policyAt: number;
  policyParts: string[];
  madeAt: number;
  /** Its gzip, made at the first answer that takes one. */
  gzip?: PageGzip;
}

type Slot =
  | { shared: false; template: Template | null; madeAt: number }
  | { shared: true; template: Template; madeAt: number };

/** The shared pages of one app (each test's app, each isolate's, has its own). */
export class SharedPages {
  readonly #slots = new Map<string, Slot>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The key `req` may share its page under, or null when its page is its own. */
  keyOf(
    req: Request,
    ctx: Pick<FreshContext, "destination" | "route" | "url">,
  ): string | null {
    if (ctx.destination !== "route" || !SHARED_ROUTES.has(ctx.route)) {
      return null;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    const { headers } = req;
    if (headers.has("cookie") || headers.has("authorization")) return null;
    // A body on a GET is held to the limits like any other (routes/_middleware.ts): no shortcut.
    if (headers.has("content-length") || headers.has("transfer-encoding")) {
      return null;
    }
    const { host, pathname, search } = ctx.url;
    const key = `${host}${pathname}${search}`;
    return key.length <= MAX_KEY_LENGTH ? key : null;
  }

  /** The page shared under `key`, with a nonce of its own; null when there is none to share yet. */
  answer(key: string): Response | null {
    const template = this.#shared(key);
    return template && answerFrom(template);
  }

  /**
   * The page shared for `req`, answered before the runtime routes it (lib/http/serve.ts), with the route
   * that rendered it; null when the request must take the runtime's way. `url` is `req.url` parsed.
   *
   * A page is shared under the URL the runtime routed it by, which has no `//` and no trailing `/` (it
   * redirects those first): a URL found here is one the runtime would route to the same page, past the
   * same checks that `keyOf` makes. Only a GET (the runtime strips a HEAD's body). A request that takes
   * gzip gets the page's gzip made once (_page_gzip.ts), as the runtime would gzip it; until that code
   * has loaded, the runtime answers it.
   */
  answerBeforeRouting(
    req: Request,
    url: URL,
  ): { response: Response; route: string } | null {
    if (req.method !== "GET" || this.#slots.size === 0) return null;
    const { headers } = req;
    if (
      headers.has("cookie") || headers.has("authorization") ||
      headers.has("content-length") || headers.has("transfer-encoding")
    ) {
      return null;
    }
    const acceptEncoding = headers.get("accept-encoding");
    let gzip = false;
    if (acceptEncoding) {
      if (!pageGzip) {
        loadPageGzip();
        return null;
      }
      gzip = pageGzip.takesGzip(acceptEncoding);
    }
    const key = `${url.host}${url.pathname}${url.search}`;
    const template = key.length <= MAX_KEY_LENGTH ? this.#shared(key) : null;
    return template &&
      { response: answerFrom(template, gzip), route: template.route };
  }

  #shared(key: string): Template | null {
    const slot = this.#slots.get(key);
    if (!slot?.shared) return null;
    if (this.#now() - slot.madeAt >= LIFETIME_MS) {
      this.#slots.delete(key);
      return null;
    }
    return slot.template;
  }

  /**
   * `response`, rendered for `key`, given back as it is; when it can be shared it is noted, and once a
   * second render for another request matches it, shared from then on. `route` is the pattern that
   * rendered it.
   */
  async keep(
    key: string,
    response: Response,
    route: string,
  ): Promise<Response> {
    const slot = this.#slots.get(key);
    if (slot && !slot.shared && !slot.template) return response; // never shared
    if (!shareable(response)) {
      this.#remember(key, { shared: false, template: null, madeAt: 0 });
      return response;
    }
    const body = await response.text();
    const again = new Response(body, response);
    const template = templateOf(response, body, route, this.#now());
    if (!template) {
      this.#remember(key, { shared: false, template: null, madeAt: 0 });
    } else if (slot && !slot.shared && slot.template) {
      // The second render: shared only if it is the first over again.
      this.#remember(
        key,
        sameTemplate(slot.template, template)
          ? { shared: true, template, madeAt: template.madeAt }
          : { shared: false, template: null, madeAt: 0 },
      );
    } else if (!slot) {
      this.#remember(key, { shared: false, template, madeAt: template.madeAt });
    }
    return again;
  }

  #remember(key: string, slot: Slot) {
    this.#slots.delete(key);
    if (this.#slots.size >= MAX_PAGES) {
      this.#slots.delete(this.#slots.keys().next().value!);
    }
    this.#slots.set(key, slot);
  }
}

const NONCE_LENGTH = 32;
const utf8 = new TextEncoder();

/** `template` with a nonce of its own, gzipped when `gzip`. */
function answerFrom(template: Template, gzip = false): Response {
  const { status, bodyBytes, bodyLength, headers, policyAt, policyParts } =
    template;
  const nonce = newNonce();
  const given = headers.slice();
  given[policyAt] = [CSP, policyParts.join(nonce)];
  // The nonce is 32 hex digits, a byte each.
  const nonceBytes = new Uint8Array(NONCE_LENGTH);
  for (let i = 0; i < NONCE_LENGTH; i++) nonceBytes[i] = nonce.charCodeAt(i);
  if (gzip && pageGzip) {
    template.gzip ??= pageGzip.pageGzip(bodyBytes, NONCE_LENGTH);
    given.push(["content-encoding", "gzip"]);
    return new Response(
      pageGzip.gzipWithNonce(template.gzip, bodyBytes, nonceBytes),
      { status, headers: given },
    );
  }
  const body = new Uint8Array(
    bodyLength + NONCE_LENGTH * (bodyBytes.length - 1),
  );
  let at = 0;
  for (let i = 0; i < bodyBytes.length; i++) {
    if (i > 0) {
      body.set(nonceBytes, at);
      at += NONCE_LENGTH;
    }
    body.set(bodyBytes[i], at);
    at += bodyBytes[i].length;
  }
  return new Response(body, { status, headers: given });
}

let pageGzip: typeof import("./_page_gzip.ts") | undefined;
let pageGzipLoading: Promise<void> | undefined;

/** Loads what gzips shared pages (node:zlib above all: not at start), once. */
export function loadPageGzip(): Promise<void> {
  return pageGzipLoading ??= import("./_page_gzip.ts").then(
    (module) => {
      pageGzip = module;
    },
    (error) => console.error("Shared pages go uncompressed:", error),
  );
}

/** As lib/fresh makes a page's nonce: NONCE_LENGTH hex digits. */
function newNonce(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

function shareable(response: Response): boolean {
  const { headers } = response;
  return response.status === 200 && response.body !== null &&
    !headers.has("set-cookie") &&
    headers.get("content-type")?.startsWith("text/html") === true &&
    !headers.has("content-encoding");
}

/** The page cut at its one nonce, or null when it has none or several. */
function templateOf(
  response: Response,
  body: string,
  route: string,
  madeAt: number,
): Template | null {
  const headers = [...response.headers];
  const policies = headers.filter(([name]) => name === CSP);
  if (policies.length !== 1) return null;
  const nonces = new Set(
    [...policies[0][1].matchAll(NONCE_IN_POLICY)].map(([, nonce]) => nonce),
  );
  if (nonces.size !== 1) return null;
  const [nonce] = nonces;
  // A nonce is 32 random hex digits: anywhere else in the page it would be the page's own.
  if (!/^[0-9a-f]{32}$/.test(nonce)) return null;
  if (headers.some(([name, value]) => name !== CSP && value.includes(nonce))) {
    return null;
  }
  const policyAt = headers.findIndex(([name]) => name === CSP);
  // lib/fresh says a page varies by Accept-Encoding (it gzips pages for browsers that take it): said
  // here already, a shared page's headers are left as they are made.
  if (!headers.some(([name]) => name === "vary")) {
    headers.push(["vary", "Accept-Encoding"]);
  }
  const bodyParts = body.split(nonce);
  const bodyBytes = bodyParts.map((part) => utf8.encode(part));
  return {
    route,
    status: response.status,
    bodyParts,
    bodyBytes,
    bodyLength: bodyBytes.reduce((sum, part) => sum + part.length, 0),
    headers,
    policyAt,
    policyParts: headers[policyAt][1].split(nonce),
    madeAt,
  };
}

function sameTemplate(a: Template, b: Template): boolean {
  const same = (x: string[], y: string[]) =>
    x.length === y.length && x.every((part, i) => part === y[i]);
  return a.route === b.route && a.status === b.status &&
    a.policyAt === b.policyAt &&
    same(a.bodyParts, b.bodyParts) && same(a.policyParts, b.policyParts) &&
    a.headers.length === b.headers.length &&
    a.headers.every(([name, value], i) =>
      i === a.policyAt ||
      (name === b.headers[i][0] && value === b.headers[i][1])
    );
}

const ofApp = new WeakMap<App, SharedPages>();

/** The shared pages of `app`, made at its first page. */
export function sharedPagesOf(app: App): SharedPages {
  let pages = ofApp.get(app);
  if (!pages) ofApp.set(app, pages = new SharedPages(app.now));
  return pages;
}
