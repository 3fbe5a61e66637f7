// 显示密码: shows the password typed beside it, and hides it again; runs in the browser inside the
// islands, and on the server (where it renders nothing: without JavaScript it could not work).
import type { Signal } from "@preact/signals";
import * as formMessages from "@/lib/forms/words.ts";

/** A real button, reached and pressed by keyboard, that says by aria-pressed whether the password shows. */
export function PasswordToggle(
  { shown, hydrated }: { shown: Signal<boolean>; hydrated: boolean },
) {
  if (!hydrated) return null;
  return (
    <button
      type="button"
      class="secondary password-toggle"
      aria-pressed={shown.value ? "true" : "false"}
      onClick={() => shown.value = !shown.value}
    >
      {formMessages.showPassword}
    </button>
  );
}
