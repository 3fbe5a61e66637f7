// The notice on the first page after a login when the password was tried wrongly many times since the
// owner's last login (lib/accounts/failed_logins.ts). Runs on the server only.
import { failedLoginsNotice } from "@/lib/messages.ts";

export function LoginNotice({ failures }: { failures: number | null }) {
  if (failures === null) return null;
  return (
    <p class="notice warning" role="alert" data-notice="failed-logins">
      {failedLoginsNotice(
        failures,
      )}。如果不是您本人，请<a href="/account/password">
        修改密码
      </a>。
    </p>
  );
}
