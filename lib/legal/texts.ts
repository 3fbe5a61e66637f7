// The shop's 用户协议 and 隐私政策: Markdown files the operator supplies (LEGAL_DIR holding agreement.md
// and privacy.md), else the app's own templates (templates/), read once at start and rendered at their
// first showing (markdown-it's modules would cost every start-up its tens of milliseconds). Each text's
// version is the first 12 hex characters of the SHA-256 of its bytes: a consent names the versions it
// was given to, and a new version asks again (consents.ts, lib/http/consent_gate.ts).
// @ts-types="@types/markdown-it"
import type MarkdownIt from "markdown-it";
import { sha256Hex } from "@/lib/core/sha256.ts";

export const LEGAL_TEXT_IDS = ["agreement", "privacy"] as const;
export type LegalTextId = typeof LEGAL_TEXT_IDS[number];

export interface LegalText {
  id: LegalTextId;
  /** As the forms name it: 用户协议, 隐私政策. */
  title: string;
  /** Where it is shown. */
  path: `/${LegalTextId}`;
  version: string;
  /** The Markdown, as legalHtml renders it. */
  markdown: string;
}

export type LegalTexts = Record<LegalTextId, LegalText>;
/** The version of each text, as a consent records them. */
export type LegalVersions = Record<LegalTextId, string>;

const TITLES: Record<LegalTextId, string> = {
  agreement: "用户协议",
  privacy: "隐私政策",
};

/** A text that can't be read; its message is one line naming the file. */
export class LegalTextsError extends Error {
  override name = "LegalTextsError";
}

let renderer: Promise<MarkdownIt> | undefined;

/** markdown-it as the legal texts are rendered with it, loaded at the first text shown. */
function markdownRenderer(): Promise<MarkdownIt> {
  return renderer ??= import("markdown-it").then(({ default: Markdown }) => {
    // `html: false` shows raw HTML as text, and markdown-it refuses javascript:, vbscript: and file:
    // links: the operator's file can format the text, never put a script on the page.
    const markdown = new Markdown({ html: false, linkify: false });
    // A table column's alignment is a class (static/styles.css has them): the page's policy allows no
    // style attribute.
    markdown.core.ruler.push("alignment_classes", (state) => {
      for (const token of state.tokens) {
        if (token.type !== "th_open" && token.type !== "td_open") continue;
        const align = token.attrGet("style")?.match(/^text-align:(\w+)$/)?.[1];
        if (!align) continue;
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== "style");
        token.attrSet("class", `align-${align}`);
      }
    });
    return markdown;
  });
}

const rendered = new WeakMap<LegalText, Promise<string>>();

/** `text` as HTML, its raw HTML shown as text; rendered once per text. */
export function legalHtml(text: LegalText): Promise<string> {
  let html = rendered.get(text);
  if (!html) {
    html = markdownRenderer().then((markdown) =>
      markdown.render(text.markdown)
    );
    rendered.set(text, html);
  }
  return html;
}

/**
 * The two texts from `dir` (LEGAL_DIR), or the templates when it is unset. Synchronous: it runs once,
 * at start, before anything is served. Throws LegalTextsError when a file is missing or unreadable.
 */
export function readLegalTexts(dir: string | undefined): LegalTexts {
  const texts = {} as LegalTexts;
  for (const id of LEGAL_TEXT_IDS) {
    const file = dir === undefined
      ? new URL(`./templates/${id}.md`, import.meta.url)
      : `${dir.replace(/\/+$/, "")}/${id}.md`;
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(file);
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "is missing"
        : error instanceof Deno.errors.IsADirectory
        ? "is a folder"
        : `cannot be read (${(error as Error).name})`;
      throw new LegalTextsError(
        dir === undefined
          ? `the template ${id}.md ${why}`
          : `LEGAL_DIR's ${id}.md ${why}: it must hold agreement.md and privacy.md`,
      );
    }
    texts[id] = legalText(id, bytes);
  }
  return texts;
}

/** The text `id` made of `bytes` (UTF-8 Markdown). */
export function legalText(id: LegalTextId, bytes: Uint8Array): LegalText {
  return {
    id,
    title: TITLES[id],
    path: `/${id}`,
    version: sha256Hex(bytes).slice(0, 12),
    markdown: new TextDecoder().decode(bytes),
  };
}

export function legalVersions(texts: LegalTexts): LegalVersions {
  return { agreement: texts.agreement.version, privacy: texts.privacy.version };
}
