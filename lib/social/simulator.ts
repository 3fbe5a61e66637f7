// What the three sign-in simulators (lib/social/providers/{qq,wechat,weibo}/simulator.ts) share: the
// identities their authorize page offers, the codes it grants, the tokens a code is traded for once, the
// page's handlers, and how routes/dev/[provider]/[...path].ts finds an endpoint in a simulator's table.
// Each simulator keeps its own KV names, its wire format and the order it checks a request in.
//
// KV layout, for each provider id (times come from the injected clock; expireIn only sweeps):
//
// | key                                | value                                                           | lives          |
// | ---------------------------------- | --------------------------------------------------------------- | -------------- |
// | ["<id>_simulator_codes", code]     | GrantedCode: clientId, redirectUri, identityId, expiresAt, used | 10 min         |
// | ["<id>_simulator_tokens", token]   | IssuedToken: clientId, identityId, createdAt, expiresAt         | the provider's |
// | ["<id>_simulator_identities", id]  | the provider's identity, as the authorize page chose it         | kept           |
import type { FreshContext, Handlers } from "$fresh/server.ts";
import type { App } from "@/lib/app/app.ts";
import { readForm } from "@/lib/forms/posted.ts";
import { onThisHost } from "@/lib/http/own_host.ts";
import type { State } from "@/lib/http/request_state.ts";

export const CODE_TTL_MS = 10 * 60 * 1000;

/** What a simulator needs from the app: its KV and its clock. */
export type SimulatorApp = Pick<App, "kv" | "now">;

/** The app a code is granted to, and where the browser takes it. */
export interface GrantRequest {
  clientId: string;
  redirectUri: string;
  state: string | null;
}

export interface GrantedCode {
  clientId: string;
  redirectUri: string;
  /** The id the simulator keeps its identity by: QQ's and WeChat's openid, Weibo's uid. */
  identityId: string;
  expiresAt: number;
  used: boolean;
}

export interface IssuedToken {
  clientId: string;
  identityId: string;
  createdAt: number;
  expiresAt: number;
}

export interface SimulatorSpec<Identity> {
  /** The provider's id; its KV names are `<id>_simulator_codes`, `_tokens` and `_identities`. */
  id: string;
  /** A tokens' KV name other than `<id>_simulator_tokens` (QQ's, since 0.1). */
  tokensKey?: string;
  presets: readonly Identity[];
  idOf(identity: Identity): string;
  newCode(): string;
  newToken(): string;
  tokenTtlSeconds: number;
  /** Rows to write with a newly granted identity besides itself (QQ: its avatar's key). */
  alsoRemember?(identity: Identity): [Deno.KvKey, unknown][];
}

export interface SimulatorStore<Identity> {
  /** The identities to offer: the presets, then ones used before. */
  knownIdentities(sim: SimulatorApp): Promise<Identity[]>;
  findIdentity(sim: SimulatorApp, id: string): Promise<Identity | null>;
  /** `identity` authorized the app: remembers it, and answers the callback URL with a fresh code. */
  grantCode(
    sim: SimulatorApp,
    request: GrantRequest,
    identity: Identity,
  ): Promise<string>;
  /** The code as granted, used or not, for the simulator to check in its own order; null if unknown. */
  findCode(
    sim: SimulatorApp,
    code: string,
  ): Promise<Deno.KvEntry<GrantedCode> | null>;
  /** Marks the code used and issues its token; null if a concurrent trade of the same code won. */
  spendCode(
    sim: SimulatorApp,
    entry: Deno.KvEntry<GrantedCode>,
  ): Promise<string | null>;
  findToken(sim: SimulatorApp, token: string): Promise<IssuedToken | null>;
}

export function simulatorStore<Identity>(
  spec: SimulatorSpec<Identity>,
): SimulatorStore<Identity> {
  const codesKey = `${spec.id}_simulator_codes`;
  const tokensKey = spec.tokensKey ?? `${spec.id}_simulator_tokens`;
  const identitiesKey = `${spec.id}_simulator_identities`;
  const codeKey = (code: string) => [codesKey, code];
  const tokenKey = (token: string) => [tokensKey, token];
  const identityKey = (id: string) => [identitiesKey, id];
  const tokenTtlMs = spec.tokenTtlSeconds * 1000;
  return {
    async knownIdentities(sim) {
      const identities = [...spec.presets];
      const stored = sim.kv.list<Identity>({ prefix: [identitiesKey] }, {
        limit: 20,
      });
      for await (const { value } of stored) {
        const id = spec.idOf(value);
        if (!identities.some((known) => spec.idOf(known) === id)) {
          identities.push(value);
        }
      }
      return identities;
    },

    async findIdentity(sim, id) {
      return (await sim.kv.get<Identity>(identityKey(id))).value;
    },

    async grantCode(sim, request, identity) {
      const code = spec.newCode();
      const identityId = spec.idOf(identity);
      const granted: GrantedCode = {
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        identityId,
        expiresAt: sim.now() + CODE_TTL_MS,
        used: false,
      };
      const write = sim.kv.atomic()
        .check({ key: codeKey(code), versionstamp: null })
        .set(codeKey(code), granted, { expireIn: CODE_TTL_MS })
        .set(identityKey(identityId), identity);
      for (const [key, value] of spec.alsoRemember?.(identity) ?? []) {
        write.set(key, value);
      }
      if (!(await write.commit()).ok) {
        throw new Error(`${spec.id} simulator: code collision`);
      }
      const callback = new URL(request.redirectUri);
      callback.searchParams.set("code", code);
      if (request.state !== null) {
        callback.searchParams.set("state", request.state);
      }
      return callback.href;
    },

    async findCode(sim, code) {
      const entry = await sim.kv.get<GrantedCode>(codeKey(code));
      return entry.versionstamp === null ? null : entry;
    },

    async spendCode(sim, entry) {
      const accessToken = spec.newToken();
      const issued: IssuedToken = {
        clientId: entry.value.clientId,
        identityId: entry.value.identityId,
        createdAt: sim.now(),
        expiresAt: sim.now() + tokenTtlMs,
      };
      // The code is kept, marked used, so that a second try is told it was used.
      const commit = await sim.kv.atomic()
        .check(entry) // a concurrent trade of the same code loses here
        .check({ key: tokenKey(accessToken), versionstamp: null })
        .set(entry.key, { ...entry.value, used: true }, {
          expireIn: CODE_TTL_MS,
        })
        .set(tokenKey(accessToken), issued, { expireIn: tokenTtlMs })
        .commit();
      return commit.ok ? accessToken : null;
    },

    async findToken(sim, token) {
      return (await sim.kv.get<IssuedToken>(tokenKey(token))).value;
    },
  };
}

/** One identity the authorize page offers: the fields its button posts, and what the button says. */
export interface PickerChoice {
  key: string;
  fields: Record<string, string>;
  nickname: string;
  id: string;
}

/** A field of the form for another identity; its value comes back from a refused post. */
export interface PickerField {
  label: string;
  input: {
    name: string;
    required?: boolean;
    maxLength?: number;
    pattern?: string;
    inputMode?: "numeric";
    autoComplete?: "off";
  };
}

/** The class names of the picker's parts. */
export interface PickerClasses {
  list: string;
  choice: string;
  nickname: string;
  id: string;
  custom: string;
}

/** How a simulator's authorize page looks and what it says, in the provider's own words. */
export interface PickerLook {
  /** The page's heading, as the provider's own page says it: QQ登录, 微信登录, 微博登录. */
  heading: string;
  /** The card's class, the provider's look: dev-qq, dev-wechat, dev-weibo. */
  look: string;
  /** Other names than the picker's own for its parts (QQ's page has had its own since 0.1). */
  classes?: PickerClasses;
  notice: string;
  custom: { heading: string; fields: PickerField[]; submit: string };
}

/** What an authorize page shows: the provider refusing the request, or the identities to pick. */
export type AuthorizePageData =
  | { refusal: { title: string; message: string } }
  | {
    picker: PickerLook;
    choices: PickerChoice[];
    /** WeChat's page: its QR code's modules, dark or light. */
    qrCode?: boolean[][];
    problem?: string;
    /** What the refused form was posted with, to fill it again. */
    form?: Record<string, string>;
  };

/** A simulator's authorize page: its request, its refusal, how its form names an identity, its look. */
export interface AuthorizePage<Request, Identity, Refusal extends Error> {
  /** Validates the page's query; throws a Refusal. `registeredRedirectUri` is the app's callback. */
  readRequest(query: URLSearchParams, registeredRedirectUri: string): Request;
  Refusal: abstract new (...args: never[]) => Refusal;
  /** The simulator's app has the app's own callback registered. */
  registeredRedirectUri(app: App): string;
  readIdentity(
    form: Record<string, string | undefined>,
  ): { identity: Identity } | { problem: string };
  knownIdentities(sim: SimulatorApp): Promise<Identity[]>;
  grantCode(sim: App, request: Request, identity: Identity): Promise<string>;
  picker: PickerLook;
  /** The button that picks `identity`. */
  choiceOf(identity: Identity): PickerChoice;
  /** The page the provider shows instead of the picker when it refuses the request. */
  refusalPage(refusal: Refusal): { title: string; message: string };
  /** A QR code drawn from the page's query, for a provider whose page shows one. */
  qrCode?(query: URLSearchParams): boolean[][];
}

/**
 * The page's GET (the identities to pick) and POST (the one picked: back to the app's callback with a
 * code), both 400 with the provider's refusal when the query is not one it accepts.
 */
export function authorizePageHandlers<Request, Identity, Refusal extends Error>(
  page: AuthorizePage<Request, Identity, Refusal>,
): Handlers<AuthorizePageData, State> {
  function authorizeRequest(
    ctx: FreshContext<State>,
  ): { request: Request } | { refusal: Refusal } {
    const registered = page.registeredRedirectUri(ctx.state.app);
    try {
      return { request: page.readRequest(ctx.url.searchParams, registered) };
    } catch (error) {
      if (error instanceof page.Refusal) return { refusal: error };
      throw error;
    }
  }
  async function picker(
    ctx: FreshContext<State>,
    refused?: { problem: string; form: Record<string, string> },
  ): Promise<AuthorizePageData> {
    const identities = await page.knownIdentities(ctx.state.app);
    return {
      picker: page.picker,
      choices: identities.map((identity) => page.choiceOf(identity)),
      qrCode: page.qrCode?.(ctx.url.searchParams),
      ...refused,
    };
  }
  return {
    async GET(_req, ctx) {
      const asked = authorizeRequest(ctx);
      if ("refusal" in asked) {
        return ctx.render({ refusal: page.refusalPage(asked.refusal) }, {
          status: 400,
        });
      }
      return ctx.render(await picker(ctx));
    },

    async POST(req, ctx) {
      const asked = authorizeRequest(ctx);
      if ("refusal" in asked) {
        return ctx.render({ refusal: page.refusalPage(asked.refusal) }, {
          status: 400,
        });
      }
      const form = await readForm(req);
      const chosen = page.readIdentity(form);
      if ("problem" in chosen) {
        return ctx.render(
          await picker(ctx, { problem: chosen.problem, form }),
          { status: 400 },
        );
      }
      const { app } = ctx.state;
      const callback = await page.grantCode(
        app,
        asked.request,
        chosen.identity,
      );
      return new Response(null, {
        status: 302,
        headers: { location: onThisHost(app, callback) },
      });
    },
  };
}

/** An endpoint's handler, as a route file's; `params` holds what its path's `:name` segments matched. */
export type SimulatorHandler = (
  req: Request,
  ctx: FreshContext<State, AuthorizePageData>,
  params: Record<string, string>,
) => Response | Promise<Response>;

/**
 * A simulator's endpoints by their path below /dev/<id>/ (`oauth2.0/token`; a `:name` segment stands for
 * any one segment), each with the methods it takes, as the provider's real endpoints take them.
 */
export type SimulatorEndpoints = Record<
  string,
  { GET?: SimulatorHandler; POST?: SimulatorHandler }
>;

/**
 * Answers `/dev/<id>/<ctx.params.path>` from the simulator's `endpoints` as the router answers route
 * files: 404 for a path it does not have, 405 (with Allow) for a method the endpoint does not take, and
 * HEAD as GET.
 */
export async function answerSimulatorRequest(
  endpoints: SimulatorEndpoints,
  req: Request,
  ctx: FreshContext<State, AuthorizePageData>,
): Promise<Response> {
  const found = findEndpoint(endpoints, ctx.params.path ?? "");
  if (!found) return await ctx.renderNotFound();
  const { endpoint, params } = found;
  const handler = req.method === "GET" || req.method === "HEAD"
    ? endpoint.GET
    : req.method === "POST"
    ? endpoint.POST
    : undefined;
  if (handler) return await handler(req, ctx, params);
  const allowed = Object.keys(endpoint);
  if (endpoint.GET) allowed.push("HEAD");
  return new Response("Method Not Allowed", {
    status: 405,
    headers: { allow: allowed.join(", ") },
  });
}

function findEndpoint(endpoints: SimulatorEndpoints, path: string) {
  const segments = path.split("/");
  for (const [pattern, endpoint] of Object.entries(endpoints)) {
    const parts = pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (!part.startsWith(":")) return part === segments[i];
      params[part.slice(1)] = segments[i];
      return segments[i] !== "";
    });
    if (matches) return { endpoint, params };
  }
  return null;
}
