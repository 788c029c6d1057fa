// Form errors in the page's language. Services and schemas name each error (a zod issue code, or a
// domain code with values); the JSON API keeps the English `message`, an HTML page says it from
// the catalogue's `formErrors` section. English pages keep the English sentences as written.
import type { Lang } from "../i18n";
import { messages } from "../messages";
import type { ErrorValues, FieldError } from "./problem";

type Texts = ReturnType<typeof messages>["formErrors"];

const num = (values: ErrorValues | undefined, key: string) => Number(values?.[key] ?? 0);

/** The catalogue's sentence for a language-free error code, if the catalogue has one. */
function generic(t: Texts, code: string, values?: ErrorValues): string | undefined {
  switch (code) {
    case "tooShort":
      return t.tooShort(num(values, "min"));
    case "tooLong":
      return t.tooLong(num(values, "max"));
    case "tooSmall":
      return t.tooSmall(num(values, "min"));
    case "tooBig":
      return t.tooBig(num(values, "max"));
    case "tooFew":
      return t.tooFew(num(values, "min"));
    case "tooMany":
      return t.tooMany(num(values, "max"));
  }
  const entry = (t.codes as Record<string, string | ((v: ErrorValues) => string)>)[code];
  if (typeof entry === "function") return entry(values ?? {});
  return entry;
}

/**
 * One error's sentence in `lang`. English is the language the messages are written in, so an
 * English page shows them as they are (as it always has). Another language takes a field-specific
 * text first (`slug.invalidFormat`), then the code's text, then the catalogue's "check this
 * field" — never an English sentence on its page.
 */
export function errorText(lang: Lang, error: FieldError): string {
  if (lang === "en") return error.message;
  const t = messages(lang).formErrors;
  if (!error.code) return t.invalid;
  const field = error.field.split(".")[0] ?? error.field;
  const byField = (t.byField as Record<string, string>)[`${field}.${error.code}`];
  return byField ?? generic(t, error.code, error.values) ?? t.invalid;
}

/** The errors with their messages in `lang` (codes kept), for pages that list or key them. */
export const inLang = (lang: Lang, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, message: errorText(lang, e) }));
