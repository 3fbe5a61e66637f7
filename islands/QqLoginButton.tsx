import { useSignal } from "@preact/signals";

/** The way into QQ login; once clicked it says so and ignores further clicks, so one login starts once. */
export default function QqLoginButton({ next }: { next: string }) {
  const leaving = useSignal(false);
  return (
    <a
      class="button qq"
      href={`/oauth/qq/login?next=${encodeURIComponent(next)}`}
      aria-disabled={leaving.value ? "true" : undefined}
      onClick={(event) => {
        if (leaving.value) event.preventDefault();
        leaving.value = true;
      }}
    >
      {leaving.value ? "正在前往QQ…" : "QQ登录"}
    </a>
  );
}
