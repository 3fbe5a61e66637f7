// WeChat's QR-code login page, simulated: instead of scanning, pick who scans; then back to the app.
import type { PageProps, RouteConfig } from "$fresh/server.ts";
import { IdentityPicker } from "@/components/IdentityPicker.tsx";
import { Problem } from "@/components/Problem.tsx";
import type { State } from "@/lib/http/request_state.ts";
import {
  authorizeHandlers,
  type AuthorizePageData,
  qrModules,
} from "@/lib/social/providers/wechat/simulator.ts";

export const config: RouteConfig = { csp: true };

export const handler = authorizeHandlers;

export default function QrConnectPage(
  { data, url }: PageProps<AuthorizePageData, State>,
) {
  if ("refusal" in data) {
    return <Problem title="微信登录失败" message={data.refusal.message} />;
  }
  return (
    <IdentityPicker
      heading="微信登录"
      look="dev-wechat"
      notice="这是开发环境的微信模拟器，不会连接真正的微信。请选择由哪个微信用户“扫码”并确认登录。"
      action={url.pathname + url.search}
      choices={data.identities.map(({ openid, unionid, nickname }) => ({
        key: openid,
        fields: { nickname, openid, unionid: unionid ?? "" },
        nickname,
        id: unionid ? `unionid ${unionid}` : `openid ${openid}（无unionid）`,
      }))}
      custom={{
        heading: "其他微信用户",
        fields: [
          {
            label: "微信昵称",
            input: { name: "nickname", required: true, maxLength: 20 },
          },
          {
            label: "openid（可选，留空则自动生成）",
            input: { name: "openid", maxLength: 64, autoComplete: "off" },
          },
          {
            label: "unionid（可选，留空则没有unionid）",
            input: { name: "unionid", maxLength: 64, autoComplete: "off" },
          },
        ],
        submit: "确认登录",
      }}
      problem={data.problem}
      form={data.form}
    >
      <QrCode seed={url.searchParams.get("state") ?? ""} />
    </IdentityPicker>
  );
}

/** A picture that looks like WeChat's login QR code and encodes nothing. */
function QrCode({ seed }: { seed: string }) {
  const modules = qrModules(seed);
  return (
    <svg
      class="dev-wechat-qr"
      viewBox={`-2 -2 ${modules.length + 4} ${modules.length + 4}`}
      width="180"
      height="180"
      role="img"
      aria-label="模拟的微信登录二维码"
    >
      <rect x="-2" y="-2" width="100%" height="100%" fill="#fff" />
      {modules.flatMap((row, y) =>
        row.map((dark, x) =>
          dark
            ? (
              <rect
                key={`${x}-${y}`}
                x={x}
                y={y}
                width="1"
                height="1"
                fill="#000"
              />
            )
            : null
        )
      )}
    </svg>
  );
}
