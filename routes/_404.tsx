import type { RouteConfig } from "$fresh/server.ts";
import { ErrorPage } from "@/components/Problem.tsx";

export const config: RouteConfig = { csp: true };

export default function NotFound() {
  return <ErrorPage title="页面不存在" message="您访问的页面不存在。" />;
}
