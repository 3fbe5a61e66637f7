import type { RouteConfig } from "$fresh/server.ts";
import { Problem } from "@/components/Problem.tsx";

export const config: RouteConfig = { csp: true };

export default function ServerError() {
  return (
    <Problem
      title="服务器错误"
      message="服务器出了点问题，请稍后再试。"
      action={{ href: "/", label: "返回首页" }}
    />
  );
}
