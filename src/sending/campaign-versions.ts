// A campaign's versions in other languages than its main one: at most one per language, each
// contact getting their language's and the main version otherwise. A table, not columns, so that
// a third language is a new value of LANGS, not a migration.
import { asc, eq, type SQL, sql } from "drizzle-orm";
import { campaignVersions } from "../../db/schema";
import { eligibleMemberSql, mailModeOf } from "../consent/eligibility";
import type { Db } from "../db";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { isLang, LANGS, type Lang } from "../i18n";
import { languageCode } from "./contact-language";

export type CampaignVersion = Pick<
  typeof campaignVersions.$inferSelect,
  "lang" | "subject" | "text" | "html"
>;

/** A version as given: its HTML may be left out. */
export type VersionInput = Omit<CampaignVersion, "html"> & { html?: string | null };

/** A campaign's content in one language, main or not: what a message is made from. */
export type CampaignContent = CampaignVersion;

const versionColumns = {
  lang: campaignVersions.lang,
  subject: campaignVersions.subject,
  text: campaignVersions.text,
  html: campaignVersions.html,
};

/** The versions of a campaign, in the order of LANGS's languages. */
export async function campaignVersionsOf(db: Db, campaignId: number): Promise<CampaignVersion[]> {
  const rows = await db
    .select(versionColumns)
    .from(campaignVersions)
    .where(eq(campaignVersions.campaignId, campaignId))
    .orderBy(asc(campaignVersions.lang));
  return rows.sort((a, b) => LANGS.indexOf(a.lang) - LANGS.indexOf(b.lang));
}

/**
 * Why a set of versions cannot be saved with this main language: a version in the main language,
 * or two in one language. Named by the field of the version at fault (`versions.N.lang`).
 */
export function versionsRefusal(
  main: Lang,
  versions: readonly Pick<CampaignVersion, "lang">[],
): FieldError | undefined {
  const seen = new Set<Lang>();
  for (const [i, { lang }] of versions.entries()) {
    const field = `versions.${i}.lang`;
    if (lang === main)
      return {
        field,
        message: `${lang} is the main version's language: a version is in another language (or change lang).`,
      };
    if (seen.has(lang))
      return { field, message: `Two versions in ${lang}: give each language once.` };
    seen.add(lang);
  }
  return undefined;
}

/** The stored form of a version's HTML: none when blank (the text is then sent as HTML too). */
export const storedHtml = (html: string | null | undefined) => (html?.trim() ? html : null);

/**
 * Statements replacing a campaign's versions by `versions`, each written only while `guard` holds
 * (the campaign is still a draft), so that they go in one batch with the campaign's own update.
 */
export function replaceVersionsStatements(
  db: Db,
  campaignId: SQL | number,
  versions: readonly VersionInput[],
  guard: SQL = sql`1`,
) {
  return [
    db.run(sql`DELETE FROM campaign_versions WHERE campaign_id = ${campaignId} AND ${guard}`),
    ...versions.map((v) =>
      db.run(sql`
        INSERT INTO campaign_versions (campaign_id, lang, subject, text, html)
        SELECT ${campaignId}, ${v.lang}, ${v.subject}, ${v.text}, ${storedHtml(v.html)}
        WHERE ${guard}`),
    ),
  ];
}

/** Over a batch that just inserted a campaign: its id (writes are serialised within the batch). */
export const lastCampaignId = sql`(SELECT max(id) FROM campaigns)`;

/** A statement copying a campaign's versions onto the campaign the batch just inserted. */
export const copyVersionsStatement = (db: Db, fromCampaignId: number) =>
  db.run(sql`
    INSERT INTO campaign_versions (campaign_id, lang, subject, text, html)
    SELECT ${lastCampaignId}, lang, subject, text, html FROM campaign_versions
    WHERE campaign_id = ${fromCampaignId}`);

/**
 * The content a contact of language `lang` gets: their language's version, else the main one.
 * `undefined` (no language stated) gets the main one.
 */
export function contentFor(
  main: CampaignContent,
  versions: readonly CampaignVersion[],
  lang: Lang | undefined,
): CampaignContent {
  if (lang === undefined || lang === main.lang) return main;
  return versions.find((v) => v.lang === lang) ?? main;
}

/** Whether a campaign has content in `lang` (its main version's or a version's). */
export const hasLanguage = (
  main: Pick<CampaignContent, "lang">,
  versions: readonly Pick<CampaignVersion, "lang">[],
  lang: unknown,
): lang is Lang => isLang(lang) && (main.lang === lang || versions.some((v) => v.lang === lang));

/** How many of a campaign's recipients get each of its languages' content. */
export type RecipientsByLanguage = Partial<Record<Lang, number>>;

/**
 * Who among the list's eligible members would get which content, in one grouped query: the
 * members stating a language that has a version get it, everyone else the main one. The SQL reads
 * the attributes as `statedLanguageOf` does (contact-language.ts): `language`, else `lang`, first
 * two letters; attributes that are not JSON state nothing.
 */
export async function recipientsByLanguage(
  deps: Pick<Deps, "db" | "config">,
  listId: number,
  main: Lang,
  versions: readonly Pick<CampaignVersion, "lang">[],
): Promise<RecipientsByLanguage> {
  const rows = await deps.db.all<{ code: unknown; n: number }>(sql`
    SELECT CASE WHEN json_valid(c.attributes) THEN
             lower(substr(coalesce(json_extract(c.attributes, '$.language'),
                                   json_extract(c.attributes, '$.lang')), 1, 2)) END AS code,
           count(*) AS n
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE m.list_id = ${listId} AND ${eligibleMemberSql("campaign", mailModeOf(deps))}
    GROUP BY 1`);
  const counts: RecipientsByLanguage = { [main]: 0 };
  for (const v of versions) counts[v.lang] = 0;
  for (const { code, n } of rows) {
    const stated = languageCode(code);
    const lang = stated && versions.some((v) => v.lang === stated) ? stated : main;
    counts[lang] = (counts[lang] ?? 0) + Number(n);
  }
  return counts;
}
