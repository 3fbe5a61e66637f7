// Who is binding: the provider identity the bind form is for, until when, and the ways out. Server-rendered.
import { loginAgainLink } from "@/lib/forms/help.ts";
import { providerHelp } from "@/lib/messages.ts";
import { clockTime } from "@/lib/core/shop_time.ts";

export interface BindVisitor {
  provider: { id: string; name: string };
  nickname: string | null;
  avatar: string | null;
  /** When the bind form stops being valid (its bind token expires). */
  expiresAt: number;
  /** Where the login was going: cancelling goes there, switching accounts goes there afterwards. */
  next: string;
}

export function BindVisitorCard(
  { visitor, now }: { visitor: BindVisitor; now: number },
) {
  const { provider, nickname, avatar, expiresAt, next } = visitor;
  const minutesLeft = Math.max(1, Math.ceil((expiresAt - now) / 60_000));
  return (
    <div class="visitor">
      {avatar && (
        <img
          class="avatar"
          src={avatar}
          width={48}
          height={48}
          alt={`${nickname ?? "用户"}的${provider.name}头像`}
        />
      )}
      <div>
        <p class="lead">
          {nickname ? `${nickname}，` : ""}您已通过{provider.name}登录。
        </p>
        <p class="expiry">
          请在
          <time dateTime={new Date(expiresAt).toISOString()}>
            {clockTime(expiresAt)}
          </time>
          前完成绑定（{minutesLeft}分钟内有效）
        </p>
        <p class="visitor-actions">
          <a href={loginAgainLink(provider, next).href}>
            {providerHelp(provider.name).switchAccount}
          </a>
          <a href={next}>取消</a>
        </p>
      </div>
    </div>
  );
}
