// Public pages speak French and English: a `lang` cookie (the visible switch) wins over Accept-Language.
import { parse as parseCookie } from "hono/utils/cookie";

export const LANGS = ["fr", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = "lang";

/** Each language's name in itself: shown as it is on every page (the switch, language choices). */
export const LANGUAGE_NAMES: Record<Lang, string> = { fr: "Français", en: "English" };

export const isLang = (value: unknown): value is Lang => LANGS.includes(value as Lang);

/** A public page's language from a bare request's headers (the answers given before the router). */
export function publicLangOf(headers: Headers): Lang {
  const cookies = headers.get("cookie");
  return pickLang(
    cookies ? parseCookie(cookies, LANG_COOKIE)[LANG_COOKIE] : undefined,
    headers.get("accept-language") ?? undefined,
  );
}

/**
 * Picks the language from the cookie, else the best Accept-Language match, else the fallback
 * (French on public pages; the admin falls back to English, the language it was first written in).
 */
export function pickLang(
  cookie: string | undefined,
  acceptLanguage: string | undefined,
  fallback: Lang = "fr",
): Lang {
  if (isLang(cookie)) return cookie;
  if (!acceptLanguage) return fallback;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => isLang(entry.lang) && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return (ranked[0]?.lang as Lang | undefined) ?? fallback;
}

/** The locale each language writes dates and numbers in ("4 Dec 2026", "3,800"; "4 déc. 2026", "3 800"). */
export const LOCALES: Record<Lang, string> = { fr: "fr-FR", en: "en-GB" };
