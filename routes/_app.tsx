import type { AppProps } from "$fresh/server.ts";
import { asset, useCSP } from "$fresh/runtime.ts";
import { pagePolicy } from "@/lib/http/security.ts";
import {
  captchaWidget,
  renderingWithWidget,
  WIDGET_SCRIPTS,
  widgetAttributes,
  widgetSources,
} from "@/lib/captcha/widget.ts";
import { maskIfMobile } from "@/lib/core/mask.ts";
import type { State } from "@/lib/http/request_state.ts";
import { providerHelp } from "@/lib/messages.ts";

export default function App({ Component, state }: AppProps<unknown, State>) {
  // Every page route sets `config.csp`, so its policy is this one plus the page's script nonce.
  // A captcha service's widget (CAPTCHA_PROVIDER) is loaded, and its hosts allowed, only when set.
  const widget = captchaWidget(state.app.config.captcha);
  useCSP((csp) => pagePolicy(csp, widgetSources(widget)));
  renderingWithWidget(widget);
  const { user, pendingBind, flash } = state;
  return (
    <html lang="zh-CN" {...widgetAttributes(widget)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>美多商城</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={asset("/styles.css")} />
        {widget && (
          <>
            <script src={asset("/captcha_widget.js")} defer />
            <script src={WIDGET_SCRIPTS[widget.provider]} defer />
          </>
        )}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">美多商城</a>
          <nav aria-label="账号">
            {user
              ? (
                <>
                  <a href="/account">{maskIfMobile(user.username)}</a>
                  <form method="post" action="/logout" class="inline">
                    <button type="submit" class="link">退出</button>
                  </form>
                </>
              )
              : pendingBind
              // Logged in with QQ and binding: 登录 and 注册 would be the wrong way here.
              ? (
                <span class="nav-note">
                  {pendingBind.nickname ?? "用户"}（{providerHelp(
                    pendingBind.providerName,
                  ).pendingBind}）
                </span>
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
          {flash && <p class="flash" role="status">{flash}</p>}
          <Component />
        </main>
      </body>
    </html>
  );
}
