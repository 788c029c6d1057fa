// Issue 20 item 8, second half: the sending, deliverability, polls, incidents, status, webhooks and
// subscriptions admin pages speak French to a French browser and English otherwise, one language
// per page. The header and navigation belong to the shell (checked apart): only <main> is read.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Lang } from "../src/i18n";
import { CATALOGUES, catalogueTexts } from "../src/messages";
import { createTestApp, type TestApp } from "./helpers";
import { storyPages } from "./ux-pages";

let t: TestApp;
let cookie: string;
let pages: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo" });
  const story = await storyPages({ t });
  const find = (pattern: RegExp) => story.admin.find((p) => pattern.test(p)) as string;
  pages = {
    sending: "/admin/sending",
    send: find(/^\/admin\/sends\/\d+$/),
    reconsent: find(/\/reconsent$/),
    polls: "/admin/polls",
    poll: find(/^\/admin\/polls\/\d+$/),
    incidents: "/admin/incidents",
    incident: find(/^\/admin\/incidents\/\d+$/),
    declare: `${find(/^\/admin\/sends\/\d+$/)}/declare`,
    deliverability: "/admin/deliverability",
    sendDeliverability: `/admin/deliverability/sends/${find(/^\/admin\/sends\/\d+$/)
      .split("/")
      .pop()}`,
    inbound: "/admin/inbound",
    status: "/admin/status",
    webhooks: "/admin/webhook-endpoints",
    subscribers: "/admin/subscribers",
  };
  cookie = await t.signIn();
}, 120_000);
afterAll(() => t.close());

/**
 * The text people read inside <main>, entities decoded and spaces (nbsp too) folded. Choices in
 * a <select>, texts in a <textarea> and quoted sources in a <pre> are the organisation's data
 * (incident titles and bodies written in French), not the interface.
 */
const mainText = (html: string) =>
  (/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? "")
    .replace(/<(script|style|option|pre|textarea)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/[\s\u00a0\u202f]+/g, " ");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Texts of the other catalogue on the page: whole words, not in both, of two words at least (a
 * single word such as "Envoi" or "campaign" also appears in the organisation's own data: the
 * demo incident is titled "Envoi massif…"; the key texts expected per page cover single words).
 */
function otherLanguage(text: string, lang: Lang): string[] {
  const other = CATALOGUES[lang === "fr" ? "en" : "fr"];
  const own = new Set(catalogueTexts(CATALOGUES[lang]));
  const fold = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  return catalogueTexts(other)
    .map(fold)
    .filter((s) => s.includes(" ") && !own.has(s))
    .filter((s) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(s)}($|[^\\p{L}])`, "u").test(text));
}

async function page(path: string, lang?: Lang) {
  const headers: Record<string, string> = { Cookie: cookie };
  if (lang) headers["Accept-Language"] = lang;
  const res = await t.request(path, { headers });
  expect(res.status, path).toBe(200);
  const html = await res.text();
  expect(html).toContain(`<html lang="${lang ?? "en"}"`);
  return mainText(html);
}

/** Per page: French texts that must be there, and the English ones they replace. */
const EXPECTED: Record<string, { fr: string[]; en: string[] }> = {
  sending: {
    fr: ["Envois", "Résultats récents", "Motif (visible des autres administrateurs)", "Lancé"],
    en: ["Sending", "Recent outcomes", "Reason (shown to the other admins)"],
  },
  send: {
    fr: ["Invitation à renouveler le consentement #", "Statut : ", "Échecs et exclusions"],
    en: ["Re-consent invitation #", "Status: ", "Failed and suppressed"],
  },
  reconsent: {
    fr: ["Redemander son consentement", "Échéance (UTC)", "Vérifier avant d'envoyer"],
    en: ["for consent again", "Deadline (UTC)", "Review before sending"],
  },
  polls: {
    fr: ["Sondages", "Nouveau sondage", "Réponses, une par ligne (de 2 à 10)", "Créer le sondage"],
    en: ["Polls", "New poll", "Answers, one per line (2 to 10)", "Create the poll"],
  },
  poll: {
    fr: ["Résultats", "Évolution", "Télécharger les votes par réponse et par heure (CSV)"],
    en: ["Results", "Over time", "Download votes per answer per hour (CSV)"],
  },
  incidents: {
    fr: ["Nouvel incident", "Abonnés à la page d'état", "Publier l'incident", "Mis à jour"],
    en: ["New incident", "Status subscribers", "Publish the incident", "Updated"],
  },
  incident: {
    fr: ["Publier une mise à jour", "Chronologie", "Analyse après incident", "Nouvel état"],
    en: ["Post an update", "Timeline", "Postmortem", "New status"],
  },
  declare: {
    fr: ["Déclarer un incident à partir de l'envoi #", "Ce qui a été envoyé", "Arrêté le"],
    en: ["Declare an incident from send #", "What was sent", "When it was stopped"],
  },
  deliverability: {
    fr: ["Délivrabilité", "Rebonds (définitifs)", "Envois récents", "Boîte aux lettres"],
    en: ["Deliverability", "Bounced (permanent)", "Recent sends", "Mailbox"],
  },
  sendDeliverability: {
    fr: ["Délivrabilité de l'envoi #", "Tous les envois", "Rebonds temporaires"],
    en: ["Deliverability of send #", "All sends", "Transient bounces"],
  },
  inbound: {
    fr: ["Courrier entrant", "Relance ne redistribue rien"],
    en: ["Inbound mail", "Relance redistributes nothing"],
  },
  status: {
    fr: ["Page d'état", "Nouveau composant", "Prévoir une maintenance", "Prévenir les abonnés"],
    en: ["Status page", "New component", "Schedule a maintenance", "Notify subscribers"],
  },
  webhooks: {
    fr: ["Webhooks sortants", "Enregistrer un point d'accès", "Événements"],
    en: ["Outgoing webhooks", "Register an endpoint", "Events"],
  },
  subscribers: {
    fr: ["Abonnés à la page d'état", "Seuls les abonnés confirmés reçoivent les avis"],
    en: ["Status subscribers", "Only confirmed subscribers receive notices"],
  },
};

for (const name of Object.keys(EXPECTED)) {
  test(`the ${name} page reads in French for Accept-Language fr, in English without it`, async () => {
    const path = pages[name] as string;
    const fr = await page(path, "fr");
    const en = await page(path);
    for (const text of EXPECTED[name]?.fr ?? []) expect(fr, `${path} fr`).toContain(text);
    for (const text of EXPECTED[name]?.en ?? []) expect(en, `${path} en`).toContain(text);
    expect(otherLanguage(fr, "fr"), `${path} fr`).toEqual([]);
    expect(otherLanguage(en, "en"), `${path} en`).toEqual([]);
  });
}

test("the check catches an English text left on a French page", () => {
  expect(otherLanguage(`Envois ${CATALOGUES.en.sending.recentOutcomes}`, "fr")).toEqual([
    CATALOGUES.en.sending.recentOutcomes,
  ]);
});

test("what a form answers is in the admin's language too: the re-consent count and resuming", async () => {
  const fr = { Cookie: cookie, "Accept-Language": "fr" };
  const reconsent = pages.reconsent as string;
  const form = await page(reconsent, "fr");
  const deadline = /name="deadline"[^>]*value="([^"]+)"/.exec(
    await (await t.request(reconsent, { headers: fr })).text(),
  )?.[1] as string;
  expect(form).toContain("Échéance (UTC)");
  const wrong = await t.form(reconsent, { deadline, confirm: "999999", expected: "1" }, fr);
  const text = mainText(await wrong.text());
  expect(text).toContain("Saisissez le nombre de destinataires");
  expect(otherLanguage(text, "fr")).toEqual([]);
  await t.form("/admin/sending/pause", { reason: "essai" }, fr);
  const resume = await t.form("/admin/sending/resume", {}, fr);
  expect(resume.status).toBe(422);
  expect(mainText(await resume.text())).toContain(
    "Cochez la case pour confirmer que les envois peuvent reprendre.",
  );
});
