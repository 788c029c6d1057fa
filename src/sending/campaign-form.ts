// The admin's campaign form, read: the main version's fields, and each other language's version
// in fields named `version_<lang>_subject` (…_text, …_html); a version left empty is none.
import type { FieldError } from "../http/problem";
import { LANGS, type Lang } from "../i18n";
import type { VersionInput } from "./campaign-versions";
import type { CampaignFormValues } from "./campaign-views";

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The form as typed, for showing it again after a refusal. */
export function campaignFormValues(form: Form): CampaignFormValues {
  const versions: CampaignFormValues["versions"] = {};
  for (const lang of LANGS)
    if (`version_${lang}_subject` in form || `version_${lang}_text` in form)
      versions[lang] = {
        subject: str(form[`version_${lang}_subject`]),
        text: str(form[`version_${lang}_text`]),
        html: str(form[`version_${lang}_html`]),
      };
  return {
    subject: str(form.subject),
    text: str(form.text),
    html: str(form.html),
    send_at: str(form.send_at),
    lang: str(form.lang),
    versions,
  };
}

/**
 * What the form asks of the versions: undefined when it does not carry them (an older page: they
 * stay as they are), else each language whose subject or text is filled in, in LANGS's order.
 */
export function formVersions(form: Form, values: CampaignFormValues): VersionInput[] | undefined {
  if (form.edit_versions === undefined) return undefined;
  return LANGS.flatMap((lang) => {
    const v = values.versions[lang];
    if (!v || (!v.subject.trim() && !v.text.trim())) return [];
    return [{ lang, subject: v.subject, text: v.text, html: v.html.trim() ? v.html : undefined }];
  });
}

/** The main language chosen, as the schema reads it (an unknown one is refused there). */
export const formLang = (values: CampaignFormValues) => values.lang || undefined;

/**
 * Errors by form field: `versions.N.text` is shown next to the field of the Nth version given
 * (`version_en_text`), and `versions.N.lang` next to that version's subject.
 */
export function formErrorsByField(
  errors: readonly FieldError[],
  versions: readonly { lang: Lang }[] = [],
): Partial<Record<string, string>> {
  const byField: Partial<Record<string, string>> = {};
  for (const { field, message } of errors) {
    const [, index, name] = /^versions\.(\d+)\.(\w+)$/.exec(field) ?? [];
    const lang = index === undefined ? undefined : versions[Number(index)]?.lang;
    const key = lang ? `version_${lang}_${name === "lang" ? "subject" : name}` : field;
    byField[key] ??= message;
  }
  return byField;
}
