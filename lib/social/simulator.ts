// What the three sign-in simulators (lib/social/providers/qq, lib/social/providers/wechat, lib/social/providers/weibo) share: the identities their
// authorize page offers, the codes it grants, the tokens a code is traded for once, and the page's
// handler. Each simulator keeps its own KV names, its wire format and the order it checks a request in.
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

/** What an authorize page shows: why the provider refuses the request, or the identities to pick. */
export type PickerData<Identity, Refusal> = { refusal: Refusal } | {
  identities: Identity[];
  problem?: string;
  /** What the refused form was posted with, to fill it again. */
  form?: Record<string, string>;
};

/** A simulator's authorize page: its request, its refusal, and how its form names an identity. */
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
}

/**
 * The page's GET (the identities to pick) and POST (the one picked: back to the app's callback with a
 * code), both 400 with the provider's refusal when the query is not one it accepts.
 */
export function authorizePageHandlers<Request, Identity, Refusal extends Error>(
  page: AuthorizePage<Request, Identity, Refusal>,
): Handlers<PickerData<Identity, Refusal>, State> {
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
  return {
    async GET(_req, ctx) {
      const asked = authorizeRequest(ctx);
      if ("refusal" in asked) return ctx.render(asked, { status: 400 });
      return ctx.render({
        identities: await page.knownIdentities(ctx.state.app),
      });
    },

    async POST(req, ctx) {
      const asked = authorizeRequest(ctx);
      if ("refusal" in asked) return ctx.render(asked, { status: 400 });
      const form = await readForm(req);
      const chosen = page.readIdentity(form);
      if ("problem" in chosen) {
        return ctx.render({
          identities: await page.knownIdentities(ctx.state.app),
          problem: chosen.problem,
          form,
        }, { status: 400 });
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
