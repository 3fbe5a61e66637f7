import type { AppProps } from "$fresh/server.ts";
import { asset, useCSP } from "$fresh/runtime.ts";
import { pagePolicy } from "@/lib/http/security.ts";
import type { State } from "@/lib/http/request_state.ts";

export default function App({ Component, state }: AppProps<unknown, State>) {
  // Every page route sets `config.csp`, so its policy is this one plus the page's script nonce.
  useCSP(pagePolicy);
  const user = state.user;
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>美多商城</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={asset("/styles.css")} />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">美多商城</a>
          <nav>
            {user
              ? (
                <>
                  <a href="/account">{user.username}</a>
                  <form method="post" action="/logout" class="inline">
                    <button type="submit" class="link">退出</button>
                  </form>
                </>
              )
              : (
                <>
                  <a href="/login">登录</a>
                  <a href="/register">注册</a>
                </>
              )}
          </nav>
        </header>
        <main>
          <Component />
        </main>
      </body>
    </html>
  );
}
