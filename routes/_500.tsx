import type { RouteConfig } from "$fresh/server.ts";
import { ErrorPage } from "@/components/Problem.tsx";

export const config: RouteConfig = { csp: true };

export default function ServerError() {
  return (
    <ErrorPage title="服务器错误" message="服务器出了点问题，请稍后再试。" />
  );
}
