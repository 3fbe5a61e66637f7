import { useState } from "preact/hooks";

export interface ProviderLoginButtonProps {
  /** The provider's id, in its login URL: qq, wechat, weibo. */
  provider: string;
  /** As the shop says it: QQ, 微信, 微博. */
  name: string;
  next: string;
}

/** The way into a provider's login; once clicked it says so and ignores further clicks, so one login starts once. */
export default function ProviderLoginButton(
  { provider, name, next }: ProviderLoginButtonProps,
) {
  const [leaving, setLeaving] = useState(false);
  return (
    <a
      class={`button ${provider}`}
      href={`/oauth/${provider}/login?next=${encodeURIComponent(next)}`}
      aria-disabled={leaving ? "true" : undefined}
      onClick={(event) => {
        if (leaving) event.preventDefault();
        setLeaving(true);
      }}
    >
      {leaving ? `正在前往${name}…` : `${name}登录`}
    </a>
  );
}
