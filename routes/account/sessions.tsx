// GET /account/sessions: where the user is logged in, this browser marked, each with a way to end it.
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { BackToAccount, Page } from "@/components/Page.tsx";
import { describeDevice, maskAddress } from "@/lib/sessions/devices.ts";
import { listSessions } from "@/lib/sessions/sessions.ts";
import { dateTime } from "@/lib/core/shop_time.ts";
import type { State } from "@/lib/http/request_state.ts";

export const config: RouteConfig = { csp: true };

interface SessionRow {
  publicId: string;
  device: string;
  address: string;
  startedAt: number;
  lastUsedAt: number;
  current: boolean;
}

interface Data {
  sessions: SessionRow[];
}

export const handler: Handlers<Data, State> = {
  async GET(_req, ctx) {
    const { app, user, session } = ctx.state;
    const sessions = await listSessions(app.kv, user!, app.now());
    return ctx.render({
      sessions: sessions.map((s) => ({
        publicId: s.publicId,
        device: describeDevice(s.userAgent),
        address: maskAddress(s.clientAddress),
        startedAt: s.createdAt,
        lastUsedAt: s.refreshedAt,
        current: s.publicId === session?.publicId,
      })),
    });
  },
};

export default function Sessions({ data }: PageProps<Data, State>) {
  const others = data.sessions.filter((s) => !s.current).length;
  return (
    <Page
      title="登录设备"
      lead="这些设备登录了您的账号。不认识的设备请退出登录，并修改密码。"
      aside={<BackToAccount />}
    >
      <ul class="sessions">
        {data.sessions.map((s) => (
          <li data-session={s.publicId} class={s.current ? "current" : ""}>
            <strong data-field="device">{s.device}</strong>
            {s.current && <span class="badge">本设备</span>}
            <dl class="details">
              <dt>登录地址</dt>
              <dd data-field="address">{s.address}</dd>
              <dt>登录时间</dt>
              <dd data-field="started">{dateTime(s.startedAt)}</dd>
              <dt>最近使用</dt>
              <dd data-field="last-used">{dateTime(s.lastUsedAt)}</dd>
            </dl>
            {!s.current && (
              <form method="post" action="/account/sessions/revoke">
                <input type="hidden" name="session" value={s.publicId} />
                <button type="submit" class="secondary">退出该设备</button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <form method="post" action="/account/sessions/revoke">
          <input type="hidden" name="others" value="1" />
          <button type="submit" class="primary">退出其他所有设备</button>
        </form>
      )}
    </Page>
  );
}
