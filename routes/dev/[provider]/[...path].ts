// /dev/<provider>/<path>: a sign-in provider's simulator, its endpoints a table in
// lib/social/providers/<provider>/simulator.ts. routes/dev/_middleware.ts keeps it out of production.
import type { Handler, RouteConfig } from "$fresh/server.ts";
import { SimulatorPage } from "@/components/SimulatorPage.tsx";
import type { State } from "@/lib/http/request_state.ts";
import {
  answerSimulatorRequest,
  type AuthorizePageData,
} from "@/lib/social/simulator.ts";
import { endpoints as qq } from "@/lib/social/providers/qq/simulator.ts";
import { endpoints as wechat } from "@/lib/social/providers/wechat/simulator.ts";
import { endpoints as weibo } from "@/lib/social/providers/weibo/simulator.ts";

export const config: RouteConfig = { csp: true };

const SIMULATORS = new Map(Object.entries({ qq, wechat, weibo }));

export const handler: Handler<AuthorizePageData, State> = (req, ctx) => {
  const endpoints = SIMULATORS.get(ctx.params.provider);
  return endpoints
    ? answerSimulatorRequest(endpoints, req, ctx)
    : ctx.renderNotFound();
};

export default SimulatorPage;
