// What /login and /register show a browser that is logged in already: who, and the ways on. Server-rendered.
import { Page } from "./Page.tsx";
import { maskIfMobile } from "@/lib/core/mask.ts";

export function AlreadyLoggedIn(
  { username, wanted }: { username: string; wanted: "登录" | "注册" },
) {
  return (
    <Page title="您已登录">
      <p class="who">
        当前登录：{maskIfMobile(username)}。如需{wanted === "登录"
          ? "登录其他账号"
          : "注册新账号"}，请先退出登录。
      </p>
      <form method="post" action="/logout" class="actions">
        <a class="button primary" href="/account">我的账户</a>
        <button type="submit" class="secondary">退出登录</button>
      </form>
    </Page>
  );
}
