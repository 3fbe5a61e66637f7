import type { RouteConfig } from "$fresh/server.ts";
import { Problem } from "@/components/Problem.tsx";

export const config: RouteConfig = { csp: true };

export default function NotFound() {
  return (
    <Problem
      title="页面不存在"
      message="您访问的页面不存在。"
      action={{ href: "/", label: "返回首页" }}
    />
  );
}
