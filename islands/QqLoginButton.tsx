import { useRef, useState } from "preact/hooks";

/** The way into QQ login; once clicked it says so and ignores further clicks, so one login starts once. */
export default function QqLoginButton({ next }: { next: string }) {
  const [leaving, setLeaving] = useState(false);
  // Read at the click itself: a second click may come before the first one's re-render.
  const clicked = useRef(false);
  return (
    <a
      class="button qq"
      href={`/oauth/qq/login?next=${encodeURIComponent(next)}`}
      aria-disabled={leaving ? "true" : undefined}
      onClick={(event) => {
        if (clicked.current) event.preventDefault();
        clicked.current = true;
        setLeaving(true);
      }}
    >
      {leaving ? "正在前往QQ…" : "QQ登录"}
    </a>
  );
}
