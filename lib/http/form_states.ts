// A refused form, kept for the page a browser is sent to see it: post-redirect-get for form posts.
//
// A browser's form post (`Sec-Fetch-Mode: navigate`, which Chrome, Firefox and Safari send with every
// form submission) that comes back refused is answered 303 to the form's own page with `form=<id>`, and
// that GET shows the form as the POST would have (its messages, the values it keeps, the status, 400
// for a failure), from a row kept here for 10 minutes. Reloading it, or coming back to it with Back,
// is a GET: it shows the same form again and never posts, so it never spends another of an SMS code's
// tries or a login attempt, and no "Confirm Form Resubmission" is ever asked. Any other client (a
// script, a test posting with fetch) sends no Sec-Fetch-Mode and keeps the contract's answer to the POST
// itself: 400 with the form re-rendered and the message in its place.
//
// The row holds only what the page shows of the form: the field values it keeps and the messages. Never
// a password, and a bind token only as its hash; a live SMS code typed is kept as the form keeps it (the
// contract's "a failed bind keeps a live code"), no more exposed than in its own row beside its mobile. It is bound to the browser, whose cookie lists the ids it was
// given, and to who was logged in: a state is never shown to another browser, nor once the browser has
// logged in or out since.
//
// | key                                          | value                                         | expires |
// | -------------------------------------------- | --------------------------------------------- | ------- |
// | ["form_states", sha256(id)]                  | FormState: path, userId, status, data, expiry | 600 s   |
// | ["form_states_by_client", address*, time, id] | kept at                                       | 600 s   |
//
// address*: the client's address as its pseudonym (lib/kv/pseudonyms.ts).
// One address keeps at most 100 forms in 10 minutes (lib/kv/windows.ts counts them), so anonymous posts
// cannot grow the store without bound; past it, its refused forms are answered in place, as a script's.
//
// Cookie `form_states` (`__Host-` prefixed in production), HttpOnly, 600 s: this browser's ids, newest
// first, at most five (one per tab of a form in progress, with room).
import { pseudonym } from "@/lib/kv/pseudonyms.ts";
import type { FreshContext } from "$fresh/server.ts";
import type { App } from "@/lib/app/app.ts";
import { randomId } from "@/lib/core/crypto.ts";
import { sha256Hex } from "@/lib/core/sha256.ts";
import { countInWindows } from "@/lib/kv/windows.ts";
import { withResendWaitNow } from "@/lib/forms/account_form.ts";
import { appCookieName, getCookies, setCookie } from "./cookies.ts";

export const FORM_STATE_TTL_S = 600;
/** The query parameter that names a kept form. */
export const FORM_STATE_PARAM = "form";
const KEPT_PER_BROWSER = 5;
/** Forms one address may have kept in 10 minutes. */
export const KEPT_PER_CLIENT = 100;
// randomId(16): 22 URL-safe characters.
const ID_SHAPE = /^[\w-]{22}$/;

interface FormState<T> {
  /** The page it belongs to: a state is shown only there. */
  path: string;
  /** Who was logged in when the form was refused (null: nobody). */
  userId: string | null;
  status: number;
  data: T;
  /** KV's own expiry is approximate, and on the wall clock: the app's clock decides. */
  expiresAt: number;
}

interface FormContext<T> {
  url: URL;
  state: { app: App; user: { id: string } | null; clientAddress: string };
  render: FreshContext<unknown, T>["render"];
}

type StateApp = Pick<App, "kv" | "config" | "now">;

const stateKey = (id: string) => ["form_states", sha256Hex(id)];

const cookieOf = (app: StateApp) =>
  appCookieName("form_states", app.config.production);

function browserIds(app: StateApp, req: Request): string[] {
  const value = getCookies(req)[cookieOf(app)] ?? "";
  return value.split(".").filter((id) => ID_SHAPE.test(id))
    .slice(0, KEPT_PER_BROWSER);
}

/** True for a browser's own navigation (a form submitted, a link followed): it follows a 303 and shows the page. */
export function isBrowserNavigation(req: Request): boolean {
  return req.headers.get("sec-fetch-mode") === "navigate";
}

/**
 * The answer to a form post that comes back (refused, or the SMS button posted without JavaScript):
 * for a browser, 303 to `page` (default: the URL posted to) with the form kept for it; for any other
 * client, the form rendered with `status`. `headers` go with either (no-store, cookies the post set).
 */
export async function formAnswer<T>(
  ctx: FormContext<T>,
  req: Request,
  data: T,
  { status, headers = new Headers(), page, keep = data }: {
    status: number;
    headers?: Headers;
    page?: string;
    /** What to keep for the page, when it is not `data` itself (the bind keeps its token's hash only). */
    keep?: unknown;
  },
): Promise<Response> {
  const { app, user, clientAddress } = ctx.state;
  const kept = isBrowserNavigation(req) && await countInWindows(
    app.kv,
    [{
      prefix: [
        "form_states_by_client",
        pseudonym(app.kv, "address", clientAddress),
      ],
      limit: KEPT_PER_CLIENT,
    }],
    FORM_STATE_TTL_S * 1000,
    app.now(),
  );
  if (!kept) return await ctx.render(data, { status, headers });
  const target = new URL(page ?? ctx.url.pathname + ctx.url.search, ctx.url);
  const id = randomId(16);
  const state: FormState<unknown> = {
    path: target.pathname,
    userId: user?.id ?? null,
    status,
    data: keep,
    expiresAt: app.now() + FORM_STATE_TTL_S * 1000,
  };
  await app.kv.set(stateKey(id), state, { expireIn: FORM_STATE_TTL_S * 1000 });
  setCookie(
    headers,
    cookieOf(app),
    [id, ...browserIds(app, req).slice(0, KEPT_PER_BROWSER - 1)].join("."),
    {
      httpOnly: true,
      secure: app.config.production,
      maxAge: FORM_STATE_TTL_S,
    },
  );
  target.searchParams.set(FORM_STATE_PARAM, id);
  headers.set("location", target.pathname + target.search);
  headers.set("cache-control", "no-store");
  return new Response(null, { status: 303, headers });
}

/**
 * The form kept for the page `ctx.url` names with `form=<id>`, if this browser was given it there, it
 * is still live, and the browser is logged in as it was then (or still logged out); else null and the
 * page shows itself afresh.
 */
export async function keptForm<T>(
  ctx: Pick<FormContext<unknown>, "url" | "state">,
  req: Request,
): Promise<{ data: T; status: number } | null> {
  const id = ctx.url.searchParams.get(FORM_STATE_PARAM);
  const { app, user } = ctx.state;
  if (!id || !browserIds(app, req).includes(id)) return null;
  const kept = (await app.kv.get<FormState<T>>(stateKey(id))).value;
  if (
    !kept || kept.path !== ctx.url.pathname ||
    kept.userId !== (user?.id ?? null) || kept.expiresAt <= app.now()
  ) return null;
  return { data: kept.data, status: kept.status };
}

/**
 * The page of the form kept for `ctx.url` (see `keptForm`), rendered as the post's answer was, with its
 * status, never stored by a cache; `refresh` brings what time changes up to date (the SMS countdown).
 * Null when there is none to show.
 */
export async function keptFormPage<T>(
  ctx: FormContext<T>,
  req: Request,
  { headers = new Headers(), refresh }: {
    headers?: Headers;
    refresh?: (data: T) => T | Promise<T>;
  } = {},
): Promise<Response | null> {
  const kept = await keptForm<T>(ctx, req);
  if (!kept) return null;
  headers.set("cache-control", "no-store");
  const data = refresh ? await refresh(kept.data) : kept.data;
  return await ctx.render(data, { status: kept.status, headers });
}

/** `keptFormPage` of a form with an SMS code: its wait before another code counted from now. */
export async function keptSmsFormPage<
  T extends { mobile: string; resendInS?: number },
>(
  ctx: FormContext<T>,
  req: Request,
  headers?: Headers,
): Promise<Response | null> {
  return await keptFormPage<T>(ctx, req, {
    headers,
    refresh: (form) => withResendWaitNow<T>(ctx.state.app, form),
  });
}
