// GET /agreement and /privacy: one of the shop's legal texts, its Markdown as legalHtml rendered it.
// Server-rendered.
import { Head } from "$fresh/runtime.ts";
import type { LegalText } from "@/lib/legal/texts.ts";

export function LegalTextPage(
  { text, html }: { text: LegalText; html: string },
) {
  return (
    <section class="card">
      <Head>
        <title>{text.title} - 美多商城</title>
      </Head>
      <article
        class="legal"
        // Rendered by lib/legal/texts.ts with raw HTML shown as text: nothing in it runs.
        dangerouslySetInnerHTML={{ __html: html }}
      />
      <p class="version">版本 {text.version}</p>
    </section>
  );
}
