// The page of a sign-in simulator (routes/dev/[provider]/[...path].ts): its authorize page, or the
// provider refusing the request. Server-rendered only.
import type { PageProps } from "$fresh/server.ts";
import type { State } from "@/lib/http/request_state.ts";
import type { AuthorizePageData } from "@/lib/social/simulator.ts";
import { IdentityPicker } from "./IdentityPicker.tsx";
import { Problem } from "./Problem.tsx";

export function SimulatorPage(
  { data, url }: PageProps<AuthorizePageData, State>,
) {
  if ("refusal" in data) return <Problem {...data.refusal} />;
  const { picker, choices, qrCode, problem, form } = data;
  return (
    <IdentityPicker
      {...picker}
      action={url.pathname + url.search}
      choices={choices}
      problem={problem}
      form={form}
    >
      {qrCode && <QrCode modules={qrCode} />}
    </IdentityPicker>
  );
}

/** A picture that looks like WeChat's login QR code and encodes nothing. */
function QrCode({ modules }: { modules: boolean[][] }) {
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
