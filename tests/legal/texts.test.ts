import { doesNotMatch, equal, match, ok, throws } from "node:assert/strict";
import { sha256Hex } from "@/lib/core/sha256.ts";
import {
  legalHtml,
  legalText,
  LegalTextsError,
  readLegalTexts,
} from "@/lib/legal/texts.ts";

const TEMPLATES = new URL("../../lib/legal/templates/", import.meta.url);

async function legalDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("the shop's legal texts", async (t) => {
  await t.step(
    "without LEGAL_DIR the app's templates, each versioned by the first 12 hex of its SHA-256",
    async () => {
      const texts = readLegalTexts(undefined);
      for (const id of ["agreement", "privacy"] as const) {
        const bytes = await Deno.readFile(new URL(`${id}.md`, TEMPLATES));
        equal(texts[id].version, sha256Hex(bytes).slice(0, 12));
        match(texts[id].version, /^[0-9a-f]{12}$/);
        equal(texts[id].path, `/${id}`);
      }
      match(await legalHtml(texts.agreement), /<h1>美多商城用户协议<\/h1>/);
      match(await legalHtml(texts.privacy), /<h1>美多商城隐私政策<\/h1>/);
    },
  );

  await t.step(
    "the privacy template names every item of personal data the app keeps, why and how long",
    async () => {
      const html = await legalHtml(readLegalTexts(undefined).privacy);
      for (
        const item of [
          "手机号",
          "用户名",
          "密码的哈希值",
          "openid",
          "unionid",
          "uid",
          "昵称",
          "设备类型",
          "网络地址",
          "登录时间",
          "最近使用时间",
          "操作记录",
          "138****8000",
          "短信验证码记录",
          "登录尝试记录",
          "同意记录",
          "创建时间和方式",
          "为什么保存",
          "保存多久",
          "180天",
          "14天",
          "导出我的数据",
          "注销账号",
        ]
      ) ok(html.includes(item), item);
      match(html, /<table>/, "as a table");
    },
  );

  await t.step(
    "the operator's Markdown from LEGAL_DIR: formatted, but its raw HTML and script links shown as text",
    async () => {
      const dir = await legalDir({
        "agreement.md":
          "# 协议\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[点我](javascript:alert(3)) [隐私](/privacy)\n",
        "privacy.md":
          "# 政策\n\n| 信息 | 多久 |\n| :---: | ---: |\n| 手机号 | 永久 |\n",
      });
      try {
        const texts = readLegalTexts(dir);
        const html = await legalHtml(texts.agreement);
        match(html, /<h1>协议<\/h1>/);
        doesNotMatch(html, /<script/);
        match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
        doesNotMatch(html, /<img/);
        doesNotMatch(html, /href="javascript:/i);
        match(html, /<a href="\/privacy">隐私<\/a>/);
        // The page's policy allows no style attribute: a column's alignment is a class.
        const privacy = await legalHtml(texts.privacy);
        doesNotMatch(privacy, /style=/);
        match(privacy, /<th class="align-center">信息<\/th>/);
        match(privacy, /<td class="align-right">永久<\/td>/);
        equal(
          texts.privacy.version,
          sha256Hex(await Deno.readFile(`${dir}/privacy.md`)).slice(0, 12),
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );

  await t.step("a version changes with any byte of the text", () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const before = legalText("privacy", encode("# 隐私政策\n"));
    const after = legalText("privacy", encode("# 隐私政策 \n"));
    ok(before.version !== after.version);
    // A byte-order mark is a byte: the version is of the file, not of its decoded text.
    const bom = legalText("privacy", encode("\uFEFF# 隐私政策\n"));
    ok(bom.version !== before.version);
  });

  await t.step(
    "a LEGAL_DIR without one of its files: one line naming it",
    async () => {
      const dir = await legalDir({ "privacy.md": "# 政策\n" });
      try {
        throws(
          () => readLegalTexts(dir),
          (error: Error) =>
            error instanceof LegalTextsError &&
            /^LEGAL_DIR's agreement\.md is missing/.test(error.message) &&
            !error.message.includes("\n"),
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});
