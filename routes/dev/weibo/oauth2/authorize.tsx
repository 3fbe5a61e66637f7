// Weibo's authorize page, simulated: pick the Weibo user who agrees, then back to the app with a code.
import type { PageProps, RouteConfig } from "$fresh/server.ts";
import { IdentityPicker } from "@/components/IdentityPicker.tsx";
import { Problem } from "@/components/Problem.tsx";
import type { State } from "@/lib/http/request_state.ts";
import {
  authorizeHandlers,
  type AuthorizePageData,
} from "@/lib/social/providers/weibo/simulator.ts";

export const config: RouteConfig = { csp: true };

export const handler = authorizeHandlers;

export default function AuthorizePage(
  { data, url }: PageProps<AuthorizePageData, State>,
) {
  if ("refusal" in data) {
    const { error, errorCode } = data.refusal;
    return (
      <Problem
        title="微博授权失败"
        message={`${error}（错误码${errorCode}）`}
      />
    );
  }
  return (
    <IdentityPicker
      heading="微博登录"
      look="dev-weibo"
      notice="这是开发环境的微博模拟器，不会连接真正的微博。请选择用哪个微博账号授权登录。"
      action={url.pathname + url.search}
      choices={data.identities.map(({ uid, screenName }) => ({
        key: uid,
        fields: { screen_name: screenName, uid },
        nickname: screenName,
        id: `uid ${uid}`,
      }))}
      custom={{
        heading: "其他微博账号",
        fields: [
          {
            label: "微博昵称",
            input: { name: "screen_name", required: true, maxLength: 30 },
          },
          {
            label: "uid（可选，留空则自动生成）",
            input: {
              name: "uid",
              maxLength: 16,
              inputMode: "numeric",
              autoComplete: "off",
            },
          },
        ],
        submit: "授权",
      }}
      problem={data.problem}
      form={data.form}
    />
  );
}
