// QQ's authorize page, simulated: pick the QQ identity to log in as, then back to the app with a code.
import type { PageProps, RouteConfig } from "$fresh/server.ts";
import {
  IdentityPicker,
  type PickerClasses,
} from "@/components/IdentityPicker.tsx";
import { Problem } from "@/components/Problem.tsx";
import type { State } from "@/lib/http/request_state.ts";
import { qqErrorMessage } from "@/lib/social/providers/qq/client.ts";
import {
  authorizeHandlers,
  type AuthorizePageData,
} from "@/lib/social/providers/qq/simulator.ts";

export const config: RouteConfig = { csp: true };

export const handler = authorizeHandlers;

/** The names QQ's page has had since 0.1. */
const QQ_CLASSES: PickerClasses = {
  list: "dev-qq-identities",
  choice: "dev-qq-identity",
  nickname: "dev-qq-nickname",
  id: "dev-qq-openid",
  custom: "dev-qq-custom",
};

export default function AuthorizePage(
  { data, url }: PageProps<AuthorizePageData, State>,
) {
  if ("refusal" in data) {
    return (
      <Problem title="QQ授权失败" message={qqErrorMessage(data.refusal.code)} />
    );
  }
  return (
    <IdentityPicker
      heading="QQ登录"
      look="dev-qq"
      classes={QQ_CLASSES}
      notice="这是开发环境的QQ模拟器，不会连接真正的QQ。请选择用哪个QQ身份授权登录。"
      action={url.pathname + url.search}
      choices={data.identities.map(({ openid, nickname }) => ({
        key: openid,
        fields: { nickname, openid },
        nickname,
        id: openid,
      }))}
      custom={{
        heading: "其他QQ身份",
        fields: [
          {
            label: "QQ昵称",
            input: { name: "nickname", required: true, maxLength: 20 },
          },
          {
            label: "openid（可选，留空则自动生成）",
            input: {
              name: "openid",
              maxLength: 32,
              pattern: "[0-9A-Fa-f]{32}",
              autoComplete: "off",
            },
          },
        ],
        submit: "授权并登录",
      }}
      problem={data.problem}
      form={data.form}
    />
  );
}
