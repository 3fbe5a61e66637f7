// GET, POST /account/export (导出我的数据): the password, then the account's data as a JSON download.
import type { Handlers, PageProps, RouteConfig } from "$fresh/server.ts";
import { FieldMessage } from "@/components/FieldMessage.tsx";
import { BackToAccount, Page } from "@/components/Page.tsx";
import { ImageCodeField } from "@/components/ImageCodeField.tsx";
import {
  accountExport,
  checkExportPassword,
  exportDisposition,
} from "@/lib/accounts/export.ts";
import type { User } from "@/lib/accounts/users.ts";
import type { App } from "@/lib/app/app.ts";
import { newImageCodeUuid } from "@/lib/captcha/image_codes.ts";
import { actOnAccountPost } from "@/lib/http/account_post.ts";
import type { State } from "@/lib/http/request_state.ts";
import { noStore } from "@/lib/http/security.ts";

export const config: RouteConfig = { csp: true };

interface Data {
  errors: Partial<Record<string, string>>;
  /** Past the login limit: the image code the password check must carry. */
  imageCodeUuid?: string;
}

/**
 * The download itself, for a user who has proved it is them: the POST below after the password, and
 * whatever guard may later stand in front of it.
 */
async function exportDownload(
  app: App,
  user: User,
  currentSession: string | undefined,
): Promise<Response> {
  const data = await accountExport(app, user, currentSession);
  return noStore(
    new Response(JSON.stringify(data, null, 2), {
      headers: {
        "content-type": "application/json",
        "content-disposition": exportDisposition(user.username),
      },
    }),
  );
}

export const handler: Handlers<Data, State> = {
  GET(_req, ctx) {
    return ctx.render({ errors: {} });
  },

  async POST(req, ctx) {
    const { app, session } = ctx.state;
    const checked = await actOnAccountPost(req, ctx, checkExportPassword);
    if (!checked.ok) {
      return ctx.render({
        errors: { [checked.field]: checked.message },
        imageCodeUuid: checked.captcha ? newImageCodeUuid() : undefined,
      }, { status: 400 });
    }
    // routes/account/_middleware.ts lets only the logged in through
    return await exportDownload(app, ctx.state.user!, session?.publicId);
  },
};

export default function AccountExport({ data }: PageProps<Data, State>) {
  const { errors } = data;
  return (
    <Page
      title="导出我的数据"
      lead="下载一份本站保存的您的个人信息（JSON文件）：账号、手机号、第三方绑定、登录设备、同意记录和操作记录。文件含完整手机号，请妥善保管。"
      aside={<BackToAccount />}
    >
      <form
        method="post"
        action="/account/export"
        class="account-form"
        noValidate
      >
        <div class="field">
          <label for="field-password">登录密码</label>
          <input
            id="field-password"
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={128}
            autoFocus={Boolean(errors.password || errors.form)}
            aria-invalid={errors.password ? "true" : undefined}
            aria-describedby={errors.password ? "password-message" : undefined}
          />
          <FieldMessage id="password" message={errors.password} />
        </div>
        {data.imageCodeUuid && (
          <ImageCodeField
            uuid={data.imageCodeUuid}
            error={errors.image_code}
            focus={Boolean(errors.image_code)}
          />
        )}
        <FieldMessage id="form" message={errors.form} />
        <button type="submit" class="primary">导出我的数据</button>
      </form>
    </Page>
  );
}
