// The one-language check of pages (issue 20 item 8): which texts of the other catalogue a page
// shows. Shared by the public and admin language tests.
import type { Lang } from "../src/i18n";
import { CATALOGUES, catalogueTexts } from "../src/messages";

/** Scripts, styles and data marked `translate="no"` (a mail's text, a stored audit sentence). */
const withoutScripts = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<(\w+)[^>]*\btranslate="no"[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Texts of the other catalogue on the page. A text of several words counts anywhere in the visible
 * text (as whole words: "sent" is not in "consentement"); a single word only as a whole element's
 * text (a heading, a button, a badge), since names, mail, audit summaries and demo data may hold
 * any word ("Liste" in a French incident title, "never" in a list's purpose). Texts under 4
 * characters match by accident and are left out.
 */
export function otherLanguage(html: string, lang: Lang): string[] {
  const other = lang === "fr" ? CATALOGUES.en : CATALOGUES.fr;
  const own = new Set(catalogueTexts(CATALOGUES[lang]));
  const page = withoutScripts(html);
  const text = page.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
  const elements = new Set([...page.matchAll(/>([^<>]*)</g)].map((m) => m[1]?.trim()));
  return [...new Set(catalogueTexts(other).map((s) => s.trim()))]
    .filter((s) => !own.has(s) && s.length >= 4)
    .filter((s) =>
      /\s/.test(s)
        ? new RegExp(`(^|[^\\p{L}])${escapeRegExp(s)}($|[^\\p{L}])`, "u").test(text)
        : elements.has(s),
    );
}
