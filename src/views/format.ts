// Numbers and machine values as the admin reads them: counts and percentages in the admin's
// language, and a state's label from the catalogue (the machine value when it has none).
import { type Lang, LOCALES } from "../i18n";

/** "1,234" in English, "1 234" in French. */
export const formatCount = (lang: Lang) => (n: number) => n.toLocaleString(LOCALES[lang]);

/** A rate (0.0123) as "1.2%" in English, "1,2 %" in French. */
export const formatPercent =
  (lang: Lang, digits = 1) =>
  (rate: number) =>
    new Intl.NumberFormat(LOCALES[lang], {
      style: "percent",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(rate);

/** The label of a stored state (`paused` → "en pause"); an unknown one shows as it is stored. */
export const labelOf = (labels: Record<string, string>, value: string): string =>
  labels[value] ?? value;
